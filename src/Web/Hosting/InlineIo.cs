namespace Vibe.Web.Hosting;

/// <summary>
/// Socket I/O on the thread that saw it complete. By default .NET hands every socket completion from the epoll
/// thread to the thread pool, and Kestrel hands its pipes' continuations to the pool again; a keystroke relayed
/// to four collaborators crossed threads about seven times, each a wake-up that waits for a free core on a
/// small machine. Inline, the receive loop and the sends run where the I/O completed (bench/Collab.Bench:
/// client→server and server→client legs of a keystroke both shorter).
/// </summary>
/// <remarks>
/// The price: code that blocks in a request handler holds up every connection's I/O. Vibe's handlers are async
/// all the way and grains run on Orleans' own scheduler. Setting <see cref="Variable"/> to <c>0</c> before
/// starting turns it off.
/// </remarks>
public static class InlineIo
{
    /// <summary>The runtime's own switch; read once, when the process first uses a socket.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns it on for this process unless the operator chose otherwise; call before any socket is made.</summary>
    public static void PreferForThisProcess()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
            Environment.SetEnvironmentVariable(Variable, "1");
    }

    public static bool IsOn => Environment.GetEnvironmentVariable(Variable) == "1";
}
