using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.Admin;
using Pinhole.Server.Features.Blocks;
using Pinhole.Server.Features.Bookmarks;
using Pinhole.Server.Features.Conversations;
using Pinhole.Server.Features.CustomFilters;
using Pinhole.Server.Features.Feeds;
using Pinhole.Server.Features.Follows;
using Pinhole.Server.Features.Instance;
using Pinhole.Server.Features.Lists;
using Pinhole.Server.Features.Media;
using Pinhole.Server.Features.Notifications;
using Pinhole.Server.Features.OAuth;
using Pinhole.Server.Features.Organizations;
using Pinhole.Server.Features.Pins;
using Pinhole.Server.Features.Places;
using Pinhole.Server.Features.Search;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.Features.Streaming;
using Pinhole.Server.Features.Tags;
using Pinhole.Server.Features.Timelines;
using Pinhole.Server.Features.Uploads;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddPinholeCore();   // settings, clock, snowflake ids, the database, public URLs
builder.AddMastodonApi();   // bearer tokens and scopes
builder.AddRateLimits();
builder.AddWebPages();      // Razor pages, cookie sessions, anti-forgery
builder.Services.AddOAuth().AddAccounts().AddFollows().AddBlocks().AddStatuses().AddMedia().AddUploads().AddNotifications().AddTags().AddStreaming().AddConversations();
builder.Services.AddPlaces().AddOrganizations();
builder.Services.AddHealthChecks();

var app = builder.Build();
await app.MigrateDatabaseAsync();

app.UseMastodonErrors();
app.UseWebPages();
app.UseAuthentication();
app.UseWebSockets();
app.UseRateLimiter();
app.UseAntiforgery();

var api = app.MapMastodonApi();
api.MapApps().MapAccounts().MapFollows().MapBlocks().MapStatuses().MapTimelines().MapInstance().MapAdmin();
api.MapNotifications().MapTags().MapBookmarks().MapPins().MapLists().MapSearch().MapUploads().MapStreaming().MapCustomFilters().MapConversations();
api.MapPlaces().MapOrganizations();
app.MapMedia(api);
app.MapFeeds(api);
app.MapOAuth().MapAuthorizePages().MapDiscovery();
app.MapWebPages();
app.MapHealthChecks("/health");

await app.RunAsync();

/// <summary>The server's entry point; public so the tests' WebApplicationFactory can host it.</summary>
public partial class Program;
