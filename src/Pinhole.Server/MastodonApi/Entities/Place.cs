namespace Pinhole.Server.MastodonApi.Entities;

/// <summary>
/// Pinhole's Place: where a post was taken, as its author named it, with coarse coordinates (rounded to
/// <c>Pinhole:Places:CoordinateDecimals</c>) only if the author gave them. <see cref="Url"/> is its page.
/// </summary>
public sealed record Place(string Id, string Name, double? Latitude, double? Longitude, string Url);
