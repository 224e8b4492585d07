using System.Net;
using System.Net.Sockets;

namespace Vibe.Testing;

/// <summary>
/// Loopback ports for servers a test starts itself (a silo advertises its ports, so they are chosen before it
/// binds them). The system says which port is free at the moment of asking; until the server binds it, another
/// fixture starting at the same time could be told the same port, so within one test process a port is handed
/// out once only. A port can still be taken meanwhile by another process or an outgoing connection:
/// <see cref="IsAddressInUse"/> tells a fixture that it may start again on new ports.
/// </summary>
public static class FreePorts
{
    static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                    return port;
            }
        }
    }

    /// <summary>Whether starting a server failed because one of its ports was taken (anywhere in the exception's causes).</summary>
    public static bool IsAddressInUse(Exception e) => e switch
    {
        SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsAddressInUse),
        _ => e.InnerException is { } inner && IsAddressInUse(inner),
    };
}
