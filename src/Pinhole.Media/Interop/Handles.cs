using Microsoft.Win32.SafeHandles;

namespace Pinhole.Media.Interop;

/// <summary>A reference to a <c>VipsImage*</c>, dropped with <c>g_object_unref</c>.</summary>
internal sealed class VipsImageHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public VipsImageHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        GObject.g_object_unref(handle);
        return true;
    }
}

/// <summary>Memory libvips allocated for us (saved files, pixel dumps, error text), freed with <c>g_free</c>.</summary>
internal sealed class GLibBuffer : SafeHandleZeroOrMinusOneIsInvalid
{
    public GLibBuffer()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        GLib.g_free(handle);
        return true;
    }
}

/// <summary>A reference to a <c>VipsArrayDouble*</c> (a <c>VipsArea</c>), dropped with <c>vips_area_unref</c>.</summary>
internal sealed class VipsArrayHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public VipsArrayHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        LibVips.vips_area_unref(handle);
        return true;
    }
}
