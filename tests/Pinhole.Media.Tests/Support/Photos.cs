namespace Pinhole.Media.Tests.Support;

/// <summary>Makes fixture files: drawn with <see cref="Canvas"/>, converted with the vips command-line tool.</summary>
public static class Photos
{
    public static readonly byte[] Red = [255, 0, 0];
    public static readonly byte[] White = [255, 255, 255];

    /// <summary>Renditions at the sizes the server uses, in both formats.</summary>
    public static readonly RenditionSpec[] StandardSpecs =
    [
        new("2048.jpg", 2048, OutputFormat.Jpeg),
        new("2048.webp", 2048, OutputFormat.WebP),
        new("1080.jpg", 1080, OutputFormat.Jpeg),
        new("1080.webp", 1080, OutputFormat.WebP),
        new("640.jpg", 640, OutputFormat.Jpeg),
        new("640.webp", 640, OutputFormat.WebP),
        new("320.jpg", 320, OutputFormat.Jpeg),
        new("320.webp", 320, OutputFormat.WebP),
    ];

    /// <summary>Saves a canvas in the format given by <paramref name="name"/>'s extension (.png, .jpg, .webp, .gif, .heic, .avif).</summary>
    public static string Save(TempDirectory directory, Canvas canvas, string name, string options = "")
    {
        string png = canvas.SavePng(directory.File(Path.GetFileNameWithoutExtension(name) + "-source.png"));
        if (name.EndsWith(".png", StringComparison.OrdinalIgnoreCase) && options.Length == 0)
        {
            File.Move(png, directory.File(name));
            return directory.File(name);
        }

        Tool.Vips("copy", png, directory.File(name) + options);
        return directory.File(name);
    }

    /// <summary>A landscape 60×40 image, white with a red top-left quadrant: shows which way up it is displayed.</summary>
    public static Canvas RedCorner(int width = 60, int height = 40) =>
        new Canvas(width, height).Fill(White).FillRect(0, 0, width / 2, height / 2, Red);

    /// <summary>A smooth colourful picture (JPEG-friendly, unlike noise).</summary>
    public static Canvas Gradient(int width, int height) =>
        new Canvas(width, height).Paint((x, y) =>
            [(byte)(255 * x / width), (byte)(255 * y / height), (byte)(255 - 255 * x / width)]);
}
