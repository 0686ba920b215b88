using System.Globalization;

namespace ActorWss.Bench.Cli;

/// <summary>
/// The bench's options: <c>--name value</c>, <c>-x value</c>, repeatable options, and flags. Unknown options and
/// bad values fail with a message that names the option.
/// </summary>
public sealed class CommandArgs
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public CommandArgs(IEnumerable<string> args, IReadOnlySet<string> flags, IReadOnlyDictionary<string, string> aliases)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = aliases.TryGetValue(e.Current, out var full) ? full : e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{e.Current}'");
            if (flags.Contains(name))
            {
                _flags.Add(name);
                continue;
            }
            if (!e.MoveNext()) throw new ArgumentException($"{name} needs a value");
            if (!_values.TryGetValue(name, out var list)) _values[name] = list = [];
            list.Add(e.Current);
        }
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        return _flags.Contains(name);
    }

    public string? Text(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var list) ? list[^1] : null;
    }

    public IReadOnlyList<string> All(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var list) ? list : [];
    }

    public int Int(string name, int fallback, int min = 1, int max = int.MaxValue)
    {
        var text = Text(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new ArgumentException($"{name}: '{text}' is not an integer from {min} to {max}");
        return value;
    }

    /// <summary>A switch given as on or off (as in the server's HOCON).</summary>
    public bool OnOff(string name, bool fallback) => Text(name) switch
    {
        null => fallback,
        "on" => true,
        "off" => false,
        var text => throw new ArgumentException($"{name}: '{text}' is not on or off"),
    };

    /// <summary>Sizes like 64, 4K, 4KiB, 1M.</summary>
    public int Size(string name, int fallback) => Text(name) is { } text ? ParseSize(name, text) : fallback;

    public IReadOnlyList<int> IntList(string name, IReadOnlyList<int> fallback) =>
        Text(name) is { } text ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => ParseSize(name, v)).ToArray() : fallback;

    /// <summary>Durations like 10s, 500ms, 2m, or plain seconds.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback)
    {
        var text = Text(name);
        if (text is null) return fallback;
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0)
            throw new ArgumentException($"{name}: '{text}' is not a duration (e.g. 10s, 500ms, 2m)");
        return TimeSpan.FromSeconds(value * unit);
    }

    /// <summary>Fails on options given but never read by the command.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Concat(_flags).Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new ArgumentException("unknown option " + string.Join(", ", unknown));
    }

    private static int ParseSize(string name, string text)
    {
        var t = text.Trim();
        int multiplier = 1;
        foreach (var (suffix, m) in new[] { ("KiB", 1024), ("MiB", 1024 * 1024), ("K", 1024), ("M", 1024 * 1024), ("k", 1024) })
        {
            if (!t.EndsWith(suffix, StringComparison.Ordinal)) continue;
            t = t[..^suffix.Length];
            multiplier = m;
            break;
        }
        if (!int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < 0)
            throw new ArgumentException($"{name}: '{text}' is not a size (e.g. 64, 4K, 1MiB)");
        return value * multiplier;
    }
}
