using System.Net;
using System.Net.Sockets;

namespace Villages.Silo.Postgres;

/// <summary>A TCP port free on 127.0.0.1 right now, picked by the OS: for the servers started on one machine.</summary>
public static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
