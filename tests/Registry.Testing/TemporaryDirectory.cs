namespace Registry.Testing;

/// <summary>A fresh folder under the system temp folder, deleted (best effort) on dispose.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TemporaryDirectory(string prefix = "registry-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
