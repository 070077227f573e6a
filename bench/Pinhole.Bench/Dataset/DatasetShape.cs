namespace Pinhole.Bench.Dataset;

/// <summary>How big the dataset is and where its randomness starts; the same shape and seed give the same data.</summary>
public sealed record DatasetShape(int Accounts, int Follows, int Posts, int Seed, DateTimeOffset Now)
{
    /// <summary>What <c>--social</c> (or its parts) adds on top; nothing by default.</summary>
    public SocialShape Social { get; init; } = SocialShape.None;

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
        Social.Validate(Accounts);
    }
}

/// <summary>
/// The social dataset's additions: blocks and mutes, notifications (with the favourites behind the favourite
/// ones), and accounts that follow hashtags. All zero: the core dataset.
/// </summary>
public sealed record SocialShape(int Blocks, int Mutes, int Notifications, int TagFollowers)
{
    public static readonly SocialShape None = new(0, 0, 0, 0);

    /// <summary><c>--social</c>: 50,000 blocks and mutes, 100,000 notifications, one account in ten following tags.</summary>
    public static SocialShape Default(int accounts) => new(25_000, 25_000, 100_000, accounts / 10);

    public bool IsEmpty => this == None;

    /// <summary>Favourites made so that a share of notifications can be about them (each with its favourites row).</summary>
    public int Favourites => (int)(Notifications * 0.3);

    public void Validate(int accounts)
    {
        if (Blocks < 0 || Mutes < 0 || Notifications < 0 || TagFollowers < 0)
            throw new UsageException("--blocks, --mutes, --notifications and --tag-followers must not be negative.");
        if (TagFollowers > accounts)
            throw new UsageException("--tag-followers cannot exceed --accounts.");
        if (Blocks + Mutes > (long)accounts * (accounts - 1) / 4)
            throw new UsageException("Too many blocks and mutes for so few accounts.");
    }
}
