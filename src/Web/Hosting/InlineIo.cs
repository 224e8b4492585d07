namespace Vibe.Web.Hosting;

/// <summary>
/// Socket I/O on the thread that saw it complete. By default .NET hands every socket completion from the epoll
/// thread to the thread pool, and Kestrel hands its pipes' continuations to the pool again; a keystroke relayed
/// to four collaborators crossed threads about seven times, each a wake-up that waits for a free core on a
/// small machine. Inline, the receive loop and the sends run where the I/O completed (bench/Collab.Bench:
/// client→server and server→client legs of a keystroke both shorter).
/// </summary>
/// <remarks>
/// <para>The price: code that blocks in a request handler holds up every connection's I/O. Vibe's handlers are async
/// all the way and grains run on Orleans' own scheduler. Setting <see cref="Variable"/> to <c>0</c> before
/// starting turns it off.</para>
/// <para>With inline completions the runtime starts one epoll thread per core, and each of them does a whole
/// keystroke (apply, commit, send to every collaborator). Vibe asks for half as many (<see cref="SocketThreads"/>):
/// on two cores one thread, like the reference server's event loop, so a keystroke's work is not preempted by a
/// second socket thread, the silo's pool work and the machine's other processes all wanting the two cores at
/// once (bench/Collab.Bench, eleventh session: p99 2.99 → 2.43 ms over five interleaved pairs, in four of them
/// lower; the server's own receive-to-pushed time per keystroke showed the preemption).
/// Setting <see cref="ThreadCountVariable"/> before starting overrides it.</para>
/// </remarks>
public static class InlineIo
{
    /// <summary>The runtime's own switch; read once, when the process first uses a socket.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>How many epoll threads the runtime starts; read once, when the process first uses a socket.</summary>
    public const string ThreadCountVariable = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    /// <summary>Turns it on for this process unless the operator chose otherwise; call before any socket is made.</summary>
    public static void PreferForThisProcess()
    {
        foreach (var (name, value) in Defaults(Environment.GetEnvironmentVariable, Environment.ProcessorCount))
            Environment.SetEnvironmentVariable(name, value);
    }

    public static bool IsOn => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>
    /// The variables to set, given what the environment has: inline completions unless chosen otherwise, and then
    /// <see cref="SocketThreads"/> epoll threads unless their count was chosen (with completions handed to the
    /// pool, the runtime's own count of one thread per 30 cores stays).
    /// </summary>
    public static IReadOnlyList<(string Name, string Value)> Defaults(Func<string, string?> environment, int processorCount)
    {
        var set = new List<(string, string)>();
        var inline = environment(Variable);
        if (inline is null)
        {
            set.Add((Variable, "1"));
            inline = "1";
        }
        if (inline == "1" && environment(ThreadCountVariable) is null)
            set.Add((ThreadCountVariable, SocketThreads(processorCount).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return set;
    }

    /// <summary>Half the cores, at least one (measured on two cores; larger machines keep a thread for every two cores).</summary>
    public static int SocketThreads(int processorCount) => Math.Max(1, processorCount / 2);
}
