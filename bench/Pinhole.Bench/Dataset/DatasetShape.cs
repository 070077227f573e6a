namespace Pinhole.Bench.Dataset;

/// <summary>How big the dataset is and where its randomness starts; the same shape and seed give the same data.</summary>
public sealed record DatasetShape(int Accounts, int Follows, int Posts, int Seed, DateTimeOffset Now)
{
    /// <summary>Nobody follows more accounts than this.</summary>
    public const int MaxFollowing = 200;

    /// <summary>Posts are spread over this window, ending at <see cref="Now"/>.</summary>
    public static readonly TimeSpan PostWindow = TimeSpan.FromDays(30);

    /// <summary>Accounts were created over this window, ending a day before the first post.</summary>
    public static readonly TimeSpan AccountWindow = TimeSpan.FromDays(700);

    public const string Scopes = "read write follow push";

    public const string Password = "bench-password";

    public void Validate()
    {
        if (Accounts < 2)
            throw new UsageException("--accounts must be at least 2.");
        if (Follows < 0 || Follows > (long)Accounts * Math.Min(MaxFollowing, Accounts - 1))
            throw new UsageException($"--follows must be between 0 and {(long)Accounts * Math.Min(MaxFollowing, Accounts - 1)} for {Accounts} accounts.");
        if (Posts < 0)
            throw new UsageException("--posts must not be negative.");
    }
}
