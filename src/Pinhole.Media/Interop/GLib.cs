using System.Runtime.InteropServices;

namespace Pinhole.Media.Interop;

internal static partial class GLib
{
    private const string Library = "libglib-2.0.so.0";

    [LibraryImport(Library)]
    internal static partial void g_free(IntPtr mem);

    [LibraryImport(Library)]
    internal static partial void g_strfreev(IntPtr stringArray);
}
