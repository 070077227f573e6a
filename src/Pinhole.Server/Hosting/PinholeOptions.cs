using Microsoft.Extensions.Options;
using Pinhole.Data;

namespace Pinhole.Server.Hosting;

public enum RegistrationMode
{
    Open,
    Approval,
    Closed,
}

/// <summary>Everything an operator can set, under the <c>Pinhole</c> configuration section (see the README's table).</summary>
public sealed class PinholeOptions
{
    public const string Section = "Pinhole";

    /// <summary>Where the SQLite database and local media live.</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>The address people reach this server at, e.g. https://pinhole.example. Empty: taken from each request.</summary>
    public string? PublicUrl { get; set; }

    public string Title { get; set; } = "Pinhole";

    public string Description { get; set; } = "Photos and short videos, shared at once, from anywhere.";

    public string ContactEmail { get; set; } = "";

    /// <summary>Where this server's source code can be had; shown to clients as the instance's <c>source_url</c>.</summary>
    public string SourceUrl { get; set; } = "";

    public RegistrationMode Registrations { get; set; } = RegistrationMode.Open;

    /// <summary>Usernames that hold the admin role (approve registrations).</summary>
    public List<string> Admins { get; set; } = [];

    /// <summary>0–63; distinct per node when several share one PostgreSQL database, so their ids never collide.</summary>
    public int NodeId { get; set; }

    /// <summary>The largest request body outside media uploads.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    public DatabaseSettings Database { get; set; } = new();

    public StatusSettings Statuses { get; set; } = new();

    public MediaSettings Media { get; set; } = new();

    public UploadSettings Uploads { get; set; } = new();

    public StreamingSettings Streaming { get; set; } = new();

    public RateLimitSettings RateLimits { get; set; } = new();

    public TrendSettings Trends { get; set; } = new();

    public PlaceSettings Places { get; set; } = new();
}

public sealed class PlaceSettings
{
    /// <summary>Decimal places a place's coordinates keep: 2 is 0.01°, about 1.1 km of latitude (and at most that of longitude).</summary>
    public int CoordinateDecimals { get; set; } = 2;
}

public sealed class TrendSettings
{
    /// <summary>How often trending tags and posts are recomputed (each time: two indexed range queries).</summary>
    public int RefreshSeconds { get; set; } = 300;
}

public sealed class DatabaseSettings
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

public sealed class StatusSettings
{
    public int MaxCharacters { get; set; } = 500;

    public int MaxMediaAttachments { get; set; } = 10;
}

public sealed class MediaSettings
{
    public long MaxImageBytes { get; set; } = 40L * 1024 * 1024;

    public long MaxImagePixels { get; set; } = 100_000_000;

    /// <summary>The long edge of the full-size rendition served in place of the original.</summary>
    public int OriginalMaxEdge { get; set; } = 2048;

    public int PreviewMaxEdge { get; set; } = 640;

    /// <summary>Also make every photo size in AVIF (smaller files for browsers that take them, slower to make).</summary>
    public bool Avif { get; set; }

    public int DescriptionLimit { get; set; } = 1500;

    public long MaxVideoBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Longest video accepted (60 s by default; 15 s gives the classic Instagram Video feel).</summary>
    public int MaxVideoSeconds { get; set; } = 60;

    /// <summary>Largest video frame accepted, long edge × short edge (4K by default).</summary>
    public int MaxVideoLongEdge { get; set; } = 3840;

    public int MaxVideoShortEdge { get; set; } = 2160;

    public double MaxVideoFrameRate { get; set; } = 120;

    /// <summary>How many ffmpeg or ffprobe processes run at once (default: one per core).</summary>
    public int VideoJobs { get; set; } = Environment.ProcessorCount;

    /// <summary>How long one ffmpeg job may run before it is killed.</summary>
    public int VideoTimeoutSeconds { get; set; } = 600;

    /// <summary>Photos up to this many pixels are processed inside the upload request and answered with 200.</summary>
    public long InlinePixels { get; set; } = 4_000_000;

    /// <summary>How many media are processed at once (default: one per core).</summary>
    public int Workers { get; set; } = Environment.ProcessorCount;

    /// <summary>How long a worker holds a job before another may take it over (if the first died).</summary>
    public int JobLeaseSeconds { get; set; } = 900;

    /// <summary>Base delay before a job that failed for a passing reason is tried again (times the attempts).</summary>
    public int JobRetrySeconds { get; set; } = 30;

    public int JobMaxAttempts { get; set; } = 3;

    /// <summary>Uploads never attached to a post are deleted after this many hours.</summary>
    public int OrphanHours { get; set; } = 24;

    /// <summary>How often unposted uploads are looked for.</summary>
    public int JanitorSeconds { get; set; } = 600;
}

/// <summary>Resumable (tus) uploads.</summary>
public sealed class UploadSettings
{
    /// <summary>Largest resumable upload (500 MB); the media limits of its kind still apply once it is complete.</summary>
    public long MaxBytes { get; set; } = 500L * 1024 * 1024;

    /// <summary>How long an unfinished upload stays resumable (7 days).</summary>
    public int ExpiryHours { get; set; } = 168;

    /// <summary>Unfinished uploads one account may have at once.</summary>
    public int MaxInProgress { get; set; } = 20;

    /// <summary>How often expired uploads and day-old idempotency keys are deleted.</summary>
    public int JanitorSeconds { get; set; } = 600;
}

/// <summary>The streaming API.</summary>
public sealed class StreamingSettings
{
    /// <summary>How far back a reconnecting client is sent what it missed (15 minutes); older events are deleted.</summary>
    public int CatchUpSeconds { get; set; } = 900;

    /// <summary>At most this many missed events are sent on reconnecting.</summary>
    public int CatchUpMax { get; set; } = 500;

    /// <summary>A comment line this often keeps NATs and proxies from closing an idle stream.</summary>
    public int HeartbeatSeconds { get; set; } = 15;

    /// <summary>Messages waiting for one slow client before it is dropped (it reconnects and catches up).</summary>
    public int QueueLimit { get; set; } = 1000;

    /// <summary>How often each node looks for new events even without a wake-up.</summary>
    public int PollMilliseconds { get; set; } = 250;
}

public sealed class RateLimitSettings
{
    public bool Enabled { get; set; } = true;

    public int WindowSeconds { get; set; } = 300;

    /// <summary>Requests per window for one signed-in account.</summary>
    public int PerAccount { get; set; } = 1500;

    /// <summary>Requests per window from one IP address (many people can share one behind a carrier NAT).</summary>
    public int PerIp { get; set; } = 7500;
}

/// <summary>Refuses to start on settings that cannot work, naming the setting.</summary>
public sealed class PinholeOptionsValidator : IValidateOptions<PinholeOptions>
{
    public ValidateOptionsResult Validate(string? name, PinholeOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDir))
            errors.Add("Pinhole:DataDir must be set.");
        if (!string.IsNullOrEmpty(options.PublicUrl) &&
            (!Uri.TryCreate(options.PublicUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
            errors.Add("Pinhole:PublicUrl must be an absolute http(s) URL.");
        if (options.NodeId is < 0 or > Snowflake.MaxNode)
            errors.Add($"Pinhole:NodeId must be between 0 and {Snowflake.MaxNode}.");
        if (options.MaxRequestBodyBytes < 1024)
            errors.Add("Pinhole:MaxRequestBodyBytes must be at least 1024.");
        if (options.Statuses.MaxCharacters < 1)
            errors.Add("Pinhole:Statuses:MaxCharacters must be positive.");
        if (options.Statuses.MaxMediaAttachments is < 1 or > 20)
            errors.Add("Pinhole:Statuses:MaxMediaAttachments must be between 1 and 20.");
        if (options.Media.MaxImageBytes < 1024 || options.Media.MaxImagePixels < 1)
            errors.Add("Pinhole:Media limits must be positive.");
        if (options.Media.MaxVideoBytes < 1024 || options.Media.MaxVideoSeconds < 1 || options.Media.MaxVideoLongEdge < 16
            || options.Media.MaxVideoShortEdge < 16 || options.Media.MaxVideoFrameRate <= 0 || options.Media.VideoTimeoutSeconds < 1)
            errors.Add("Pinhole:Media video limits must be positive.");
        if (options.Media.Workers < 1 || options.Media.JobLeaseSeconds < 1 || options.Media.JobRetrySeconds < 1
            || options.Media.JobMaxAttempts < 1 || options.Media.OrphanHours < 1 || options.Media.InlinePixels < 0 || options.Media.JanitorSeconds < 1)
            errors.Add("Pinhole:Media workers, leases, retries and orphan hours must be positive.");
        if (options.Media.PreviewMaxEdge < 16 || options.Media.OriginalMaxEdge < options.Media.PreviewMaxEdge)
            errors.Add("Pinhole:Media:OriginalMaxEdge must be at least PreviewMaxEdge (≥ 16).");
        if (options.Trends.RefreshSeconds < 1)
            errors.Add("Pinhole:Trends:RefreshSeconds must be positive.");
        if (options.Places.CoordinateDecimals is < 0 or > 4)
            errors.Add("Pinhole:Places:CoordinateDecimals must be between 0 and 4 (4 is about 11 m).");
        if (options.RateLimits.WindowSeconds < 1 || options.RateLimits.PerAccount < 1 || options.RateLimits.PerIp < 1)
            errors.Add("Pinhole:RateLimits values must be positive.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
