namespace Villages.Tests.Infrastructure;

/// <summary>
/// Free loopback ports, each handed out once in this test process. The OS picks a free port, but a
/// port released by the picker can come back on the next pick: two silos were once given the same
/// silo port, both bound it (Orleans reuses addresses), and the one restarted later declared the
/// other, alive, an older copy of itself and dead.
/// </summary>
internal static class Ports
{
    private static readonly HashSet<int> Given = [];

    public static int Next()
    {
        lock (Given)
        {
            while (true)
            {
                var port = Villages.Silo.Postgres.LoopbackPort.Free();
                if (Given.Add(port)) return port;
            }
        }
    }
}
