using System.Diagnostics;

namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>Photos made at test time with the real tools (libvips' CLI, exiftool), the way phones make them: with EXIF and GPS.</summary>
public static class TestImages
{
    /// <summary>A noisy JPEG (so it does not compress to nothing) carrying GPS coordinates and a camera serial number.</summary>
    public static async Task<byte[]> JpegWithGpsAsync(int width = 1600, int height = 1200)
    {
        var path = await MakeAsync(width, height, "jpg");
        await RunAsync("exiftool", "-overwrite_original", "-GPSLatitude=39.0392", "-GPSLatitudeRef=N", "-GPSLongitude=125.7625",
            "-GPSLongitudeRef=E", "-SerialNumber=PH-1234567", "-Make=TestCam", "-Model=Pinhole One", path);
        return await ReadAndDeleteAsync(path);
    }

    public static async Task<byte[]> PngAsync(int width = 400, int height = 300) =>
        await ReadAndDeleteAsync(await MakeAsync(width, height, "png"));

    private static async Task<string> MakeAsync(int width, int height, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pinhole-{Guid.NewGuid():N}.{extension}");
        var v = Path.ChangeExtension(path, ".v");
        await RunAsync("vips", "gaussnoise", v, width.ToString(System.Globalization.CultureInfo.InvariantCulture), height.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await RunAsync("vips", "cast", v, path, "uchar");
        File.Delete(v);
        return path;
    }

    private static async Task<byte[]> ReadAndDeleteAsync(string path)
    {
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        File.Delete(path);
        return bytes;
    }

    public static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} failed: {await stderr}{await stdout}");
    }
}
