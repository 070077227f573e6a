using System.Globalization;

namespace Pinhole.UploadBench;

/// <summary>
/// <c>command --name value</c>, nothing more. Every option read is remembered, so a misspelt one is reported, not
/// silently ignored (a typo in a benchmark's settings would otherwise measure the wrong thing).
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private CommandLine(string command) => Command = command;

    public string Command { get; }

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith('-'))
            throw new UsageException("A command comes first.");
        var line = new CommandLine(args[0]);
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new UsageException($"Unexpected argument '{arg}'.");
            var name = arg[2..];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            line._options[name] = value;
        }
        return line;
    }

    public string? Text(string name)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var value)
            ? value ?? throw new UsageException($"--{name} needs a value.")
            : null;
    }

    public string RequiredText(string name) => Text(name) ?? throw new UsageException($"--{name} is required.");

    public int Whole(string name, int fallback)
    {
        var text = Text(name);
        if (text is null)
            return fallback;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"--{name} must be a whole number, not '{text}'.");
    }

    public double Real(string name, double fallback)
    {
        var text = Text(name);
        if (text is null)
            return fallback;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"--{name} must be a number, not '{text}'.");
    }

    /// <summary>Call after reading every option: anything left over was a typo.</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new UsageException($"Unknown option(s) for '{Command}': {string.Join(", ", unknown.Select(u => "--" + u))}.");
    }
}

public sealed class UsageException(string message) : Exception(message);
