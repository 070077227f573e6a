using System.Text.Json.Nodes;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Organizations;

/// <summary>The calls an app makes to run an organisation: make one, invite, accept, and post as it.</summary>
public static class OrganizationApi
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<string> CreateOrganizationAsync(this TestUser owner, string username, string displayName = "") =>
        (await owner.Client.PostFormAsync("/api/v1/pinhole/organizations", ("username", username), ("display_name", displayName))).Id();

    /// <summary>The owner invites <paramref name="member"/> with <paramref name="role"/>, and they accept (credited unless <paramref name="credited"/> is false).</summary>
    public static async Task AddMemberAsync(this TestUser owner, string organization, TestUser member, string role, bool credited = true)
    {
        await owner.Client.PostFormAsync($"/api/v1/pinhole/organizations/{organization}/members", ("account_id", member.Id), ("role", role));
        await member.Client.PostFormAsync($"/api/v1/pinhole/organizations/{organization}/accept", ("credited", credited ? "true" : "false"));
    }

    /// <summary>POST /api/v1/statuses with <c>Pinhole-Act-As</c>; the raw answer, for tests about refusals and 202s.</summary>
    public static Task<HttpResponseMessage> SendAsAsync(this TestUser member, string organization, params (string Key, string Value)[] fields) =>
        member.Client.SendAsync(ActAs(HttpMethod.Post, "/api/v1/statuses", organization, Api.Form(fields)), Cancel);

    public static async Task<JsonNode> PostAsAsync(this TestUser member, string organization, string text, params (string Key, string Value)[] more)
    {
        using var response = await member.SendAsAsync(organization, [("status", text), .. more]);
        return await Api.ReadSuccessAsync(response);
    }

    public static HttpRequestMessage ActAs(HttpMethod method, string path, string organization, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("Pinhole-Act-As", organization);
        return request;
    }
}
