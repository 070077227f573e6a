using System.Globalization;
using System.Text;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Places;

/// <summary>A place as someone named it: its name, and coordinates already rounded to the server's precision (or none).</summary>
public sealed record PlaceSpec(string Name, double? Latitude, double? Longitude);

/// <summary>
/// Reads and checks what people send about places. Coordinates are only ever what the author typed or picked
/// (never EXIF, which is stripped anyway), and they are rounded before anything is stored or compared: with the
/// default of 2 decimals a place is a cell of 0.01° — about 1.1 km north to south, and at most that east to west
/// — so no place can pinpoint a person.
/// </summary>
public static class PlaceInput
{
    public const int MaxNameLength = 100;

    /// <summary>The place a post names: an existing one by <c>pinhole_place_id</c>, or one named by <c>pinhole_place[name]</c> (and coordinates).</summary>
    public static (long? Id, PlaceSpec? Named) FromPost(RequestParams form, int decimals)
    {
        var id = form.Id("pinhole_place_id");
        var named = form.Has("pinhole_place[name]")
            ? Spec(form.Text("pinhole_place[name]"), form.Text("pinhole_place[latitude]"), form.Text("pinhole_place[longitude]"), decimals)
            : null;
        if (id is not null && named is not null)
            throw ApiException.Unprocessable("Validation failed: give pinhole_place_id or pinhole_place[name], not both");
        if (named is null && (form.Has("pinhole_place[latitude]") || form.Has("pinhole_place[longitude]")))
            throw ApiException.Unprocessable("Validation failed: a place needs a name (pinhole_place[name])");
        return (id, named);
    }

    public static PlaceSpec Spec(string? name, string? latitude, string? longitude, int decimals)
    {
        var (lat, lon) = Coordinates(latitude, longitude, decimals);
        return new PlaceSpec(Name(name), lat, lon);
    }

    /// <summary>The name with its spaces tidied (trimmed, runs of white space made one space, NFC); refused if empty, too long or holding control characters.</summary>
    public static string Name(string? name)
    {
        // Checked before any work on it: a name of 10,000 characters is refused, not normalized.
        if (name is null || name.Length > MaxNameLength * 4)
            throw name is null ? ApiException.Unprocessable("Validation failed: a place needs a name") : TooLong();
        var tidy = new StringBuilder(name.Length);
        foreach (var c in name.Normalize(NormalizationForm.FormC))
        {
            if (char.IsWhiteSpace(c))
            {
                if (tidy.Length > 0 && tidy[^1] != ' ')
                    tidy.Append(' ');
                continue;
            }
            // Joiners stay (emoji sequences and several scripts need them); other format characters such as
            // right-to-left overrides would let a name pass for another.
            if (char.IsControl(c) || (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format && c is not ('\u200C' or '\u200D')))
                throw ApiException.Unprocessable("Validation failed: a place name cannot hold control or invisible characters");
            tidy.Append(c);
        }
        var result = tidy.ToString().TrimEnd();
        if (result.Length == 0)
            throw ApiException.Unprocessable("Validation failed: a place needs a name");
        if (new StringInfo(result).LengthInTextElements > MaxNameLength)
            throw TooLong();
        return result;
    }

    private static ApiException TooLong() => ApiException.Unprocessable($"Validation failed: a place name is at most {MaxNameLength} characters");

    /// <summary>Both coordinates or neither; latitude within ±90, longitude within ±180; rounded to <paramref name="decimals"/>.</summary>
    public static (double? Latitude, double? Longitude) Coordinates(string? latitude, string? longitude, int decimals)
    {
        var hasLatitude = !string.IsNullOrEmpty(latitude);
        var hasLongitude = !string.IsNullOrEmpty(longitude);
        if (!hasLatitude && !hasLongitude)
            return (null, null);
        if (hasLatitude != hasLongitude)
            throw ApiException.Unprocessable("Validation failed: give both latitude and longitude, or neither");
        var lat = Number(latitude!, "latitude");
        var lon = Number(longitude!, "longitude");
        if (lat is < -90 or > 90)
            throw ApiException.Unprocessable("Validation failed: latitude must be between -90 and 90");
        if (lon is < -180 or > 180)
            throw ApiException.Unprocessable("Validation failed: longitude must be between -180 and 180");
        return (Round(lat, decimals), Round(lon, decimals));
    }

    /// <summary>The stored precision: half away from zero, so 39.045 becomes 39.05 and -39.045 becomes -39.05.</summary>
    public static double Round(double value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);

    public static double Number(string value, string name) =>
        value.Length <= 32 && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : throw ApiException.Unprocessable($"Validation failed: {name} must be a number");
}
