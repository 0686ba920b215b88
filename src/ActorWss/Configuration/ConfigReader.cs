using System.Globalization;
using Akka.Configuration;
using static ActorWss.Configuration.HoconShapes;

namespace ActorWss.Configuration;

/// <summary>
/// Typed reads of one HOCON section that fail with the full key, the value found and what is allowed, instead of
/// the HOCON library's generic exceptions. A reader may have a fallback section (a listener falls back to
/// <c>listener-defaults</c>, its <c>tls { }</c> to <c>actorwss.tls</c>): keys missing here are read there. The chain is
/// kept here rather than merged with Akka.NET's <c>Config.WithFallback</c>, which fails on sections taken out of a
/// merged configuration.
/// </summary>
internal sealed class ConfigReader(Config config, string path, ConfigReader? fallback = null)
{
    private readonly Config _config = config;
    private readonly ConfigReader? _fallback = fallback;

    public string Path { get; } = path;

    public ConfigReader Section(string key)
    {
        // A fallback that holds a value here (a listener's tls = off under tls { ... }) has no keys to fall back to.
        var fallbackSection = _fallback is not null && _fallback.IsObject(key) ? _fallback.Section(key) : null;
        if (_config.HasPath(key))
        {
            // Checked first: Akka.NET's GetConfig throws a NullReferenceException on a value or list merged over a section.
            var value = _config.GetValue(key);
            if (ShapeOf(value) != HoconShape.Section) throw Invalid(key, Describe(value), Expected(HoconShape.Section));
            return new ConfigReader(_config.GetConfig(key), Full(key), fallbackSection);
        }
        if (fallbackSection is not null) return new ConfigReader(ConfigurationFactory.Empty, Full(key), fallbackSection);
        throw Missing(key);
    }

    public bool Has(string key) => _config.HasPath(key) || (_fallback?.Has(key) ?? false);

    public bool IsObject(string key) => _config.HasPath(key)
        ? ShapeOf(_config.GetValue(key)) == HoconShape.Section
        : _fallback?.IsObject(key) ?? false;

    /// <summary>Is <paramref name="key"/> (here, or in the fallback when absent here) a list?</summary>
    public bool IsList(string key) => _config.HasPath(key)
        ? ShapeOf(_config.GetValue(key)) == HoconShape.List
        : _fallback?.IsList(key) ?? false;

    /// <summary>Is <paramref name="key"/> the word <c>inherit</c>: take the value from the enclosing section's default?</summary>
    public bool IsInherit(string key) => !IsList(key) && !IsObject(key) && string.Equals(Raw(key), "inherit", StringComparison.OrdinalIgnoreCase);

    /// <summary>This section, reading keys it does not have from <paramref name="fallback"/> (and then from its own fallback).</summary>
    public ConfigReader WithFallback(ConfigReader fallback) =>
        new(_config, Path, _fallback is null ? fallback : _fallback.WithFallback(fallback));

    /// <summary>A string that may be empty; empty gives null.</summary>
    public string? GetOptionalString(string key)
    {
        var value = Raw(key);
        return value.Length == 0 ? null : value;
    }

    /// <summary>The keys directly under this section (and its fallback).</summary>
    public IEnumerable<string> Keys => (_config.IsEmpty ? Enumerable.Empty<string>() : _config.Root.GetObject().Items.Keys)
        .Union(_fallback?.Keys ?? []);

    public string GetString(string key)
    {
        var value = Raw(key);
        if (value.Length == 0) throw Invalid(key, value, "a non-empty string");
        return value;
    }

    public bool GetBoolean(string key)
    {
        var value = Raw(key);
        return value.ToLowerInvariant() switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            _ => throw Invalid(key, value, "on or off"),
        };
    }

    public int GetInt(string key, int min, int max)
    {
        var value = Raw(key);
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
            throw Invalid(key, value, $"an integer from {min} to {max}");
        return n;
    }

    public long GetByteSize(string key, long min, long max)
    {
        var value = Raw(key);
        long? size;
        try { size = Holder(key).GetByteSize(key); }
        catch (Exception) { size = null; }
        if (size is not { } n || n < min || n > max)
            throw Invalid(key, value, $"a size from {min} to {max} bytes (e.g. 64KiB, 16MiB)");
        return n;
    }

    /// <summary>
    /// The longest duration a key takes unless it says otherwise. Akka.NET's scheduler refuses timers beyond
    /// int.MaxValue milliseconds (about 24.8 days) when they are armed, long after the start; a day is far beyond
    /// any timeout this server has, and a clear error at start beats a crash later.
    /// </summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    public TimeSpan GetDuration(string key, TimeSpan? max = null)
    {
        var value = Raw(key);
        var limit = max ?? MaxDuration;
        var allowed = $"a positive duration of at most {Format(limit)} (e.g. 500ms, 5s, 2m)";
        TimeSpan duration;
        try { duration = Holder(key).GetTimeSpan(key, allowInfinite: false); }
        catch (Exception) { throw Invalid(key, value, allowed); }
        if (duration <= TimeSpan.Zero || duration > limit) throw Invalid(key, value, allowed);
        return duration;
    }

    /// <summary>A duration that may be zero (a tolerance, not a timeout).</summary>
    public TimeSpan GetNonNegativeDuration(string key)
    {
        var value = Raw(key);
        TimeSpan duration;
        try { duration = Holder(key).GetTimeSpan(key, allowInfinite: false); }
        catch (Exception) { throw Invalid(key, value, "a duration (e.g. 0s, 500ms, 30s)"); }
        if (duration < TimeSpan.Zero || duration > MaxDuration)
            throw Invalid(key, value, $"a duration from 0s to {Format(MaxDuration)} (e.g. 0s, 30s)");
        return duration;
    }

    /// <summary>A duration, or null for "off".</summary>
    public TimeSpan? GetOptionalDuration(string key, TimeSpan? max = null)
    {
        var value = Raw(key);
        if (value.ToLowerInvariant() is "off" or "none" or "infinite") return null;
        try { return GetDuration(key, max); }
        catch (InvalidConfigurationException)
        {
            throw Invalid(key, value, $"off, or a positive duration of at most {Format(max ?? MaxDuration)} (e.g. 30s)");
        }
    }

    private static string Format(TimeSpan duration) =>
        duration.TotalDays >= 1 && duration.TotalDays % 1 == 0 ? $"{duration.TotalDays}d"
        : duration.TotalHours >= 1 && duration.TotalHours % 1 == 0 ? $"{duration.TotalHours}h"
        : duration.TotalMinutes >= 1 && duration.TotalMinutes % 1 == 0 ? $"{duration.TotalMinutes}m"
        : $"{duration.TotalSeconds}s";

    public T GetEnum<T>(string key, IReadOnlyDictionary<string, T> allowed)
    {
        var value = Raw(key);
        if (allowed.TryGetValue(value.ToLowerInvariant(), out var result)) return result;
        throw Invalid(key, value, "one of " + string.Join(", ", allowed.Keys));
    }

    public IReadOnlyList<string> GetStringList(string key)
    {
        var holder = Holder(key);
        var value = holder.GetValue(key);
        // A single value is not a list of one: Akka.NET reads it as an empty list, which can mean "anything".
        if (ShapeOf(value) != HoconShape.List) throw Invalid(key, Describe(value), "a list of strings, e.g. [\"a\", \"b\"]");
        try { return holder.GetStringList(key).Where(s => !string.IsNullOrWhiteSpace(s)).ToArray(); }
        catch (Exception) { throw Invalid(key, "[...]", "a list of strings, e.g. [\"a\", \"b\"]"); }
    }

    /// <summary>The full name of <paramref name="key"/> where it is set: here, or in the fallback that gave its value.</summary>
    public string NameOf(string key) =>
        _config.HasPath(key) || _fallback is null || !_fallback.Has(key) ? Full(key) : _fallback.NameOf(key);

    /// <summary>The configuration in the chain that holds <paramref name="key"/>.</summary>
    private Config Holder(string key) =>
        _config.HasPath(key) ? _config : _fallback?.Has(key) == true ? _fallback.Holder(key) : throw Missing(key);

    private string Raw(string key)
    {
        if (!_config.HasPath(key))
        {
            if (_fallback is not null && _fallback.Has(key)) return _fallback.Raw(key);
            throw Missing(key);
        }
        var value = _config.GetValue(key);
        if (ShapeOf(value) != HoconShape.Value) throw Invalid(key, Describe(value), Expected(HoconShape.Value));
        return value.GetString()?.Trim() ?? "";
    }

    private string Full(string key) => Path.Length == 0 ? key : Path + "." + key;

    private InvalidConfigurationException Missing(string key) => new($"{Full(key)}: missing (no default either)");

    private InvalidConfigurationException Invalid(string key, string found, string allowed) =>
        new($"{Full(key)}: '{found}' is not valid; expected {allowed}");
}
