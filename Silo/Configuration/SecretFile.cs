using System.Security.Cryptography;

namespace Villages.Silo.Configuration;

/// <summary>
/// Secrets kept on disk by the single-machine run (the privacy secret, the database password, the
/// cluster certificate): created readable by their owner only from the first byte, never written
/// and then chmod'ed, and published whole (written aside, then renamed) so that two nodes starting
/// together agree on one value.
/// </summary>
public static class SecretFile
{
    /// <summary>0600.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>0700: a folder of secrets only its owner may list or enter.</summary>
    public const UnixFileMode PrivateFolder = OwnerOnly | UnixFileMode.UserExecute;

    /// <summary>The text in <paramref name="path"/>, trimmed; made by <paramref name="create"/> first if the file does not exist.</summary>
    public static string ReadOrCreate(string path, Func<string> create) =>
        System.Text.Encoding.UTF8.GetString(ReadOrCreate(path, () => System.Text.Encoding.UTF8.GetBytes(create()))).Trim();

    /// <summary>The bytes in <paramref name="path"/>; made by <paramref name="create"/> first if the file does not exist.</summary>
    public static byte[] ReadOrCreate(string path, Func<byte[]> create) => TryRead(path) ?? Publish(path, create());

    /// <summary>Base64 of <paramref name="bytes"/> random bytes: a new password or key.</summary>
    public static string NewRandom(int bytes = 32) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>Creates <paramref name="path"/> (and its parents) as a 0700 folder, or narrows an existing one to 0700.</summary>
    public static void EnsurePrivateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, PrivateFolder);
        // A folder made by an earlier version (0755) is narrowed: it holds secrets.
        if ((File.GetUnixFileMode(path) & ~PrivateFolder) != 0) File.SetUnixFileMode(path, PrivateFolder);
    }

    /// <summary>Writes a new file, 0600 from its creation, in one piece.</summary>
    public static void WriteNew(string path, ReadOnlySpan<byte> content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        using var stream = new FileStream(path, options);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }

    private static byte[]? TryRead(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    // Written aside under a unique name, then moved into place without overwriting: whoever comes
    // second reads the first one's value instead of replacing it.
    private static byte[] Publish(string path, byte[] content)
    {
        var aside = $"{path}.{Guid.NewGuid():N}.tmp";
        WriteNew(aside, content);
        try
        {
            File.Move(aside, path, overwrite: false);
            return content;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(aside);
            return File.ReadAllBytes(path);
        }
    }
}
