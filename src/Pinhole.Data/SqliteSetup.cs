using System.Reflection;
using System.Runtime.InteropServices;
using SQLitePCL;

namespace Pinhole.Data;

/// <summary>
/// Points Microsoft.Data.Sqlite at the operating system's SQLite (Debian's libsqlite3, with FTS5), not a
/// private copy. One process must hold one SQLite: libvips loads its plugins with RTLD_GLOBAL and the
/// openslide plugin brings in the system library, after which a second, bundled SQLite would have some of its
/// internal calls bound to the system one and crash. Using the system library also means security fixes
/// arrive with the OS updates.
/// </summary>
internal static class SqliteSetup
{
    private const string SystemLibrary = "libsqlite3.so.0";

    private static readonly Lazy<bool> Initialized = new(() =>
    {
        var provider = typeof(SQLite3Provider_e_sqlite3).Assembly;
        // The provider's P/Invokes name "e_sqlite3"; the functions behind that name are SQLite's standard API.
        NativeLibrary.SetDllImportResolver(provider, Resolve);
        raw.SetProvider(new SQLite3Provider_e_sqlite3());
        return true;
    });

    public static void EnsureInitialized() => _ = Initialized.Value;

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == "e_sqlite3" && OperatingSystem.IsLinux() ? NativeLibrary.Load(SystemLibrary) : IntPtr.Zero;
}
