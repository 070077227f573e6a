using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Admin;

/// <summary>
/// The part of Mastodon's admin API that approval-based registration needs: list the people waiting, approve
/// or reject them. Only the usernames in <c>Pinhole:Admins</c> may call it.
/// </summary>
public static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdmin(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/v1/admin/accounts");
        admin.MapGet("/", Pending).RequireScope(Scopes.AdminReadAccounts);
        admin.MapPost("/{id:long}/approve", Approve).RequireScope(Scopes.AdminWriteAccounts);
        admin.MapPost("/{id:long}/reject", Reject).RequireScope(Scopes.AdminWriteAccounts);
        return api;
    }

    private sealed class PendingRow
    {
        public long Id { get; init; }
        public string Username { get; init; } = "";
        public string Email { get; init; } = "";
        public string? Locale { get; init; }
        public string? RegistrationReason { get; init; }
        public bool Approved { get; init; }
        public long CreatedAt { get; init; }
    }

    private const string PendingSelect =
        "SELECT a.id, a.username, u.email, u.locale, u.registration_reason, u.approved, u.created_at FROM accounts a JOIN users u ON u.account_id = a.id";

    private static async Task<Ok<IReadOnlyList<AdminAccount>>> Pending(HttpContext http, Caller caller, Db db, AccountViews views, IOptions<PinholeOptions> options, CancellationToken cancellationToken)
    {
        await EnsureAdminAsync(db, caller, options.Value, cancellationToken);
        var status = http.Request.Query["status"].ToString();
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<PendingRow>(connection.Command(
            $"{PendingSelect} WHERE u.approved = @approved ORDER BY a.id DESC LIMIT 100",
            new { approved = status != "pending" }, cancellationToken: cancellationToken))).ToList();
        var accounts = await views.LoadAsync(connection, rows.Select(r => r.Id), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AdminAccount>>(rows.Select(r => Render(r, accounts[r.Id])).ToList());
    }

    private static async Task<Ok<AdminAccount>> Approve(long id, Caller caller, Db db, AccountViews views, IOptions<PinholeOptions> options, CancellationToken cancellationToken)
    {
        await EnsureAdminAsync(db, caller, options.Value, cancellationToken);
        var row = await db.WriteAsync(async (connection, transaction) =>
        {
            var pending = await connection.QuerySingleOrDefaultAsync<PendingRow>(connection.Command(
                $"{PendingSelect} WHERE a.id = @id AND u.approved = FALSE", new { id }, transaction, cancellationToken: cancellationToken))
                ?? throw ApiException.Forbidden("This account is not waiting for approval");
            await connection.ExecuteAsync(connection.Command(
                "UPDATE users SET approved = TRUE WHERE account_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            return pending;
        }, cancellationToken);
        await using var read = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok(Render(new PendingRow
        {
            Id = row.Id, Username = row.Username, Email = row.Email, Locale = row.Locale,
            RegistrationReason = row.RegistrationReason, Approved = true, CreatedAt = row.CreatedAt,
        }, (await views.LoadAsync(read, id, cancellationToken))!));
    }

    /// <summary>Rejecting a registration deletes the account, as on Mastodon; it never posted anything.</summary>
    private static async Task<Ok<EmptyObject>> Reject(long id, Caller caller, Db db, IOptions<PinholeOptions> options, CancellationToken cancellationToken)
    {
        await EnsureAdminAsync(db, caller, options.Value, cancellationToken);
        await db.WriteAsync(async (connection, transaction) =>
        {
            var deleted = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
                "DELETE FROM accounts WHERE id = @id AND id IN (SELECT account_id FROM users WHERE approved = FALSE) RETURNING id",
                new { id }, transaction, cancellationToken: cancellationToken));
            if (deleted is null)
                throw ApiException.Forbidden("This account is not waiting for approval");
        }, cancellationToken);
        return TypedResults.Ok(new EmptyObject());
    }

    private static async Task EnsureAdminAsync(Db db, Caller caller, PinholeOptions options, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var username = await connection.QuerySingleOrDefaultAsync<string>(connection.Command(
            "SELECT username FROM accounts WHERE id = @id", new { id = caller.Account }, cancellationToken: cancellationToken));
        if (username is null || !options.Admins.Contains(username, StringComparer.OrdinalIgnoreCase))
            throw ApiException.Forbidden("This action is not allowed");
    }

    private static AdminAccount Render(PendingRow row, Account account) => new(
        Id: row.Id.ToString(CultureInfo.InvariantCulture),
        Username: row.Username,
        Domain: null,
        CreatedAt: DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt),
        Email: row.Email,
        Ip: null,
        Ips: [],
        Locale: row.Locale ?? "",
        InviteRequest: row.RegistrationReason,
        Confirmed: true,
        Approved: row.Approved,
        Disabled: false,
        Silenced: false,
        Suspended: false,
        Account: account);
}
