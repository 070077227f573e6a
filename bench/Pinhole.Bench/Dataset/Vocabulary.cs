namespace Pinhole.Bench.Dataset;

/// <summary>The words posts and profiles are made of, and the hashtag vocabulary (most used first).</summary>
public static class Vocabulary
{
    /// <summary>The tag the benchmark's tag timeline reads: the most used, so it holds tens of thousands of posts.</summary>
    public const string BenchmarkTag = "pyongyang";

    public static readonly string[] FirstNames =
    [
        "ana", "ben", "chloe", "dae", "elif", "farid", "gwen", "hana", "ivan", "jun", "kai", "lena", "mina", "noor",
        "omar", "priya", "quinn", "rosa", "sung", "tariq", "uma", "vera", "wen", "xia", "yuri", "zoe", "amir", "bo",
        "cleo", "dara", "emil", "fumi", "hye", "ines", "jae", "kofi", "lars", "mei", "nils", "olga", "pavel", "ren",
        "sara", "tomas", "ulla", "vik", "yara", "zan", "ola", "min",
    ];

    public static readonly string[] LastNames =
    [
        "kim", "park", "lee", "choi", "jung", "kang", "cho", "yoon", "jang", "lim", "han", "oh", "seo", "shin",
        "kwon", "hwang", "ahn", "song", "ryu", "hong", "smith", "garcia", "muller", "rossi", "dubois", "silva",
        "nowak", "ivanova", "tanaka", "nguyen", "haddad", "okafor", "larsen", "novak", "santos", "weber",
    ];

    public static readonly string[] Words =
    [
        "light", "morning", "evening", "street", "river", "mountain", "city", "window", "shadow", "film", "lens",
        "walk", "coffee", "market", "train", "station", "bridge", "rain", "snow", "autumn", "spring", "summer",
        "winter", "sunset", "sunrise", "harbour", "tower", "park", "garden", "temple", "alley", "rooftop", "crowd",
        "quiet", "golden", "blue", "grey", "warm", "cold", "soft", "sharp", "grain", "colour", "portrait", "frame",
        "today", "yesterday", "finally", "again", "still", "always", "never", "just", "really", "so", "very",
        "the", "a", "an", "of", "in", "on", "at", "with", "from", "over", "under", "near", "after", "before",
        "and", "but", "or", "because", "while", "when", "where", "this", "that", "these", "those", "my", "our",
        "their", "your", "his", "her", "is", "was", "were", "are", "be", "been", "felt", "looked", "caught",
        "found", "saw", "took", "made", "shot", "developed", "printed", "edited", "shared", "missed", "waited",
        "loved", "liked", "tried", "new", "old", "first", "last", "long", "short", "little", "big", "early",
        "late", "bright", "dark", "empty", "busy", "tiny", "wide", "close", "far", "home", "away", "trip",
        "day", "night", "week", "hour", "moment", "view", "sky", "cloud", "sea", "beach", "road", "car", "bike",
        "dog", "cat", "bird", "tree", "flower", "leaf", "stone", "wall", "door", "stairs", "roof", "sign", "neon",
        "lantern", "noodles", "tea", "bread", "kimchi", "friends", "family", "people", "kids", "stranger",
        "camera", "roll", "exposure", "focus", "aperture", "shutter", "tripod", "print", "darkroom", "scan",
    ];

    /// <summary>A few hundred hashtags, most popular first (their use follows a Zipf law over this order).</summary>
    public static readonly IReadOnlyList<string> Tags = BuildTags();

    private static string[] BuildTags()
    {
        string[] roots =
        [
            BenchmarkTag, "photography", "streetphotography", "filmphotography", "seoul", "landscape", "portrait",
            "nature", "travel", "sunset", "architecture", "blackandwhite", "35mm", "analog", "mountains", "city",
            "nightphotography", "urban", "rain", "autumn", "winter", "spring", "summer", "coffee", "food", "cats",
            "dogs", "birds", "flowers", "trees", "sea", "beach", "river", "bridge", "train", "bicycle", "market",
            "temple", "hanok", "busan", "incheon", "kaesong", "wonsan", "hamhung", "tokyo", "osaka", "kyoto",
            "shanghai", "beijing", "taipei", "hongkong", "bangkok", "hanoi", "manila", "jakarta", "singapore",
            "berlin", "paris", "london", "lisbon", "rome", "vienna", "prague", "warsaw", "oslo", "stockholm",
            "newyork", "chicago", "mexico", "lima", "cairo", "nairobi", "lagos", "sydney", "auckland",
        ];
        string[] suffixes = ["", "photo", "life", "walk", "daily", "vibes", "gram", "diary"];
        var tags = new List<string>();
        foreach (var suffix in suffixes)
        {
            foreach (var root in roots)
            {
                if (tags.Count < 320)
                    tags.Add(root + suffix);
            }
        }
        return [.. tags.Distinct()];
    }
}
