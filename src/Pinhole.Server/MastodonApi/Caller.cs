using System.Globalization;
using System.Security.Claims;

namespace Pinhole.Server.MastodonApi;

/// <summary>
/// Who is calling the API: the account behind the bearer token (none for an app-only token or an anonymous
/// request), the app the token was issued to and the scopes it holds. Bound straight into handlers.
/// </summary>
public sealed record Caller(long? AccountId, long? AppId, long? TokenId, IReadOnlySet<string> Scopes)
{
    public const string AccountClaim = "pinhole:account";
    public const string AppClaim = "pinhole:app";
    public const string TokenClaim = "pinhole:token";
    public const string ScopeClaim = "scope";

    public static readonly Caller Anonymous = new(null, null, null, new HashSet<string>());

    public bool IsSignedIn => AccountId is not null;

    /// <summary>The signed-in account; endpoints that need one are guarded by <see cref="ApiAuth"/>, so this holds there.</summary>
    public long Account => AccountId ?? throw ApiException.Unprocessable("This method requires an authenticated user");

    public static ValueTask<Caller> BindAsync(HttpContext context) => ValueTask.FromResult(From(context.User));

    public static Caller From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true || user.FindFirst(AppClaim) is not { } app)
            return Anonymous;
        return new Caller(
            ParseId(user.FindFirst(AccountClaim)?.Value),
            ParseId(app.Value),
            ParseId(user.FindFirst(TokenClaim)?.Value),
            user.FindAll(ScopeClaim).Select(c => c.Value).ToHashSet());
    }

    private static long? ParseId(string? value) =>
        value is null ? null : long.Parse(value, CultureInfo.InvariantCulture);
}
