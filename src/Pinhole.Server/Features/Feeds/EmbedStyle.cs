using System.Security.Cryptography;
using System.Text;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Feeds;

/// <summary>
/// The embed's own stylesheet, inline (one request on a slow link, not two) and allowed by its hash, and the
/// embed's Content-Security-Policy: any site may frame it, nothing outside this server may load in it.
/// </summary>
public static class EmbedStyle
{
    public const string Css =
        ":root{color-scheme:light dark;--bg:#fff;--fg:#1a1a1a;--muted:#5f5f5f;--line:#dbdbdb;--accent:#0b57d0}" +
        "@media (prefers-color-scheme:dark){:root{--bg:#1d1d1d;--fg:#ececec;--muted:#a8a8a8;--line:#3a3a3a;--accent:#8ab4f8}}" +
        "*{box-sizing:border-box}html,body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.4 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif}" +
        "a{color:var(--accent);text-decoration:none}article{border:1px solid var(--line);border-radius:8px;overflow:hidden}" +
        "header{display:flex;align-items:center;gap:10px;padding:10px 12px}header img{display:block;border-radius:50%}" +
        "header b{display:block;color:var(--fg)}header span{color:var(--muted);font-size:13px}" +
        "figure{margin:0;background:#000}figure img,figure video{display:block;width:100%;height:auto;max-height:560px;object-fit:contain}" +
        "figure audio{display:block;width:100%}.text{padding:8px 12px;overflow-wrap:anywhere}.text p{margin:0 0 6px}" +
        "summary{cursor:pointer;padding:8px 12px;color:var(--muted)}.meta{margin:0;padding:2px 12px;font-size:13px}" +
        "footer{display:flex;justify-content:space-between;gap:8px;padding:8px 12px;margin-top:6px;border-top:1px solid var(--line);color:var(--muted);font-size:13px}" +
        ".gone{padding:12px;color:var(--muted)}";

    private static readonly string CssHash = "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Css))) + "'";

    /// <summary>
    /// Framing by any site (the site-wide policy forbids all framing), the inline style by its hash, pictures and
    /// media from this server only, no scripts, no forms, no plugins.
    /// </summary>
    public static string Policy(string publicOrigin) =>
        $"default-src 'none'; style-src {CssHash}; img-src 'self' {publicOrigin} data:; media-src 'self' {publicOrigin}; " +
        "frame-ancestors *; base-uri 'none'; form-action 'none'";

    /// <summary>The photo's sizes in its main format, for the browser to pick the one its frame needs.</summary>
    public static string SourceSet(MediaAttachment media)
    {
        var main = media.Pinhole.Renditions.FirstOrDefault(r => r.Url == media.Url);
        if (main is null)
            return "";
        return string.Join(", ", media.Pinhole.Renditions
            .Where(r => r.ContentType == main.ContentType && !r.Name.StartsWith("square", StringComparison.Ordinal) && r.Width > 0)
            .OrderBy(r => r.Width)
            .Select(r => $"{r.Url} {r.Width}w"));
    }
}
