using System.Runtime.InteropServices;

namespace Pinhole.Media.Interop;

internal static partial class GObject
{
    private const string Library = "libgobject-2.0.so.0";

    [LibraryImport(Library)]
    internal static partial void g_object_unref(IntPtr instance);
}
