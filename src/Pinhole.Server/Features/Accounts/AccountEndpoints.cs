using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Features.OAuth;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Accounts;

public static class AccountEndpoints
{
    public static IServiceCollection AddAccounts(this IServiceCollection services) => services
        .AddSingleton<Registration>()
        .AddSingleton<AccountViews>()
        .AddSingleton<CredentialAccounts>()
        .AddSingleton<ProfileUpdate>();

    public static RouteGroupBuilder MapAccounts(this RouteGroupBuilder api)
    {
        var accounts = api.MapGroup("/v1/accounts");
        accounts.MapPost("/", Register).RequireAppScope(Scopes.WriteAccounts);
        accounts.MapGet("/verify_credentials", VerifyCredentials).RequireScope(Scopes.ReadAccounts, Scopes.Profile);
        accounts.MapPatch("/update_credentials", UpdateCredentials).RequireScope(Scopes.WriteAccounts).WithMetadata(ProfileBodyLimit(api));
        accounts.MapGet("/lookup", Lookup).AllowAnonymous(Scopes.ReadAccounts);
        accounts.MapGet("/{id:long}", Get).AllowAnonymous(Scopes.ReadAccounts);
        return api;
    }

    /// <summary>A profile update may carry an avatar and a header, each up to the largest photo.</summary>
    public static BodySizeLimit ProfileBodyLimit(IEndpointRouteBuilder routes) =>
        new(2 * (routes.ServiceProvider.GetRequiredService<IOptions<PinholeOptions>>().Value.Media.MaxImageBytes + 1024 * 1024));

    private static async Task<Ok<Token>> Register(HttpContext http, Caller caller, Registration registration, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var request = new RegistrationRequest(form.Text("username"), form.Text("email"), form.Text("password"),
            form.Bool("agreement") == true, form.Text("locale"), form.Text("reason"));
        return TypedResults.Ok(await registration.RegisterAsync(request, caller.AppId!.Value, caller.Scopes.ToList(), cancellationToken));
    }

    private static async Task<Ok<Account>> VerifyCredentials(Caller caller, CredentialAccounts credentials, CancellationToken cancellationToken) =>
        TypedResults.Ok(await credentials.LoadAsync(caller.Account, cancellationToken));

    private static async Task<Ok<Account>> UpdateCredentials(HttpContext http, Caller caller, ProfileUpdate profile, CredentialAccounts credentials, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        await profile.UpdateAsync(caller.Account, form, cancellationToken);
        return TypedResults.Ok(await credentials.LoadAsync(caller.Account, cancellationToken));
    }

    private static async Task<Ok<Account>> Get(long id, Db db, AccountViews views, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok(await views.LoadAsync(connection, id, cancellationToken) ?? throw ApiException.NotFound());
    }

    /// <summary>Finds a local account by <c>username</c> or <c>username@this-domain</c>.</summary>
    private static async Task<Ok<Account>> Lookup(HttpContext http, Db db, AccountViews views, PublicUrl urls, CancellationToken cancellationToken)
    {
        var acct = http.Request.Query["acct"].ToString().TrimStart('@');
        var at = acct.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (!string.Equals(acct[(at + 1)..], urls.Domain, StringComparison.OrdinalIgnoreCase))
                throw ApiException.NotFound();
            acct = acct[..at];
        }
        if (acct.Length is 0 or > 30)
            throw ApiException.NotFound();
        await using var connection = await db.OpenAsync(cancellationToken);
        var id = await connection.FindAccountIdAsync(acct, cancellationToken) ?? throw ApiException.NotFound();
        return TypedResults.Ok((await views.LoadAsync(connection, id, cancellationToken))!);
    }
}

/// <summary>The signed-in person's own account: Mastodon's CredentialAccount, with their posting defaults and role.</summary>
public sealed class CredentialAccounts(Db db, AccountViews views, IOptions<PinholeOptions> options)
{
    private sealed class Defaults
    {
        public string Username { get; init; } = "";
        public string Note { get; init; } = "";
        public string Fields { get; init; } = "[]";
        public bool Discoverable { get; init; }
        public Visibility DefaultVisibility { get; init; }
        public bool DefaultSensitive { get; init; }
        public string? DefaultLanguage { get; init; }
        public long FollowRequestsCount { get; init; }
    }

    public async Task<Account> LoadAsync(long accountId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var account = await views.LoadAsync(connection, accountId, cancellationToken) ?? throw ApiException.NotFound();
        var defaults = await connection.QuerySingleAsync<Defaults>(connection.Command(
            """
            SELECT a.username, a.note, a.fields, a.discoverable, u.default_visibility, u.default_sensitive, u.default_language,
                   (SELECT COUNT(*) FROM follow_requests r WHERE r.target_account_id = a.id) AS follow_requests_count
            FROM accounts a JOIN users u ON u.account_id = a.id WHERE a.id = @accountId
            """, new { accountId }, cancellationToken: cancellationToken));
        var admin = options.Value.Admins.Contains(defaults.Username, StringComparer.OrdinalIgnoreCase);
        return account with
        {
            Source = new AccountSource(defaults.DefaultVisibility.Name(), defaults.DefaultSensitive, defaults.DefaultLanguage ?? "",
                defaults.Note, AccountViews.ParseFields(defaults.Fields), defaults.FollowRequestsCount, HideCollections: false,
                defaults.Discoverable, defaults.Discoverable),
            Role = admin ? new Role("3", "Admin", "", "1048575", true) : new Role("-99", "", "", "65536", false),
        };
    }
}
