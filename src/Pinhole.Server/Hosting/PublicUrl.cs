using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Pinhole.Server.Hosting;

/// <summary>
/// The server's public address and the URLs Mastodon entities carry (profiles, posts, tags, media). Taken from
/// <c>Pinhole:PublicUrl</c> when set; otherwise from the request being served, falling back to the address the
/// server listens on for work outside a request.
/// </summary>
public sealed class PublicUrl(IOptions<PinholeOptions> options, IHttpContextAccessor http, IServer server)
{
    private readonly string? _configured = options.Value.PublicUrl?.TrimEnd('/');

    public string Base
    {
        get
        {
            if (!string.IsNullOrEmpty(_configured))
                return _configured;
            if (http.HttpContext?.Request is { } request)
                return $"{request.Scheme}://{request.Host}{request.PathBase}";
            var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            return listening?.TrimEnd('/') ?? "http://127.0.0.1:8080";
        }
    }

    /// <summary>The domain in <c>user@domain</c> handles and WebFinger: the public host, with its port if not the default.</summary>
    public string Domain => new Uri(Base).Authority;

    public string Profile(string username) => $"{Base}/@{username}";

    public string ActorUri(string username) => $"{Base}/users/{username}";

    public string Post(string username, long id) => $"{Base}/@{username}/{id.ToString(CultureInfo.InvariantCulture)}";

    public string PostUri(string username, long id) => $"{Base}/users/{username}/statuses/{id.ToString(CultureInfo.InvariantCulture)}";

    public string Tag(string name) => $"{Base}/tags/{Uri.EscapeDataString(name)}";

    public string Media(string key) => $"{Base}/media/{key}";

    public string Asset(string path) => $"{Base}/{path.TrimStart('/')}";
}
