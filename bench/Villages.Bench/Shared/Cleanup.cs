namespace Villages.Bench.Shared;

/// <summary>Undo actions run once, newest first: at the end, on Ctrl+C/SIGTERM and at process exit.</summary>
public sealed class Cleanup
{
    private readonly Stack<Action> _actions = new();
    private readonly Lock _lock = new();

    public void Add(Action action)
    {
        lock (_lock) _actions.Push(action);
    }

    public void Run()
    {
        while (true)
        {
            Action action;
            lock (_lock)
            {
                if (!_actions.TryPop(out action!)) return;
            }
            try { action(); }
            catch (Exception ex) { Console.Error.WriteLine($"Cleanup: {ex.Message}"); }
        }
    }

    /// <summary>The folder holding Villages.sln, searched up from the program, then from the working directory.</summary>
    public static string? FindRepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Villages.sln"))) return dir.FullName;
            }
        }
        return null;
    }
}
