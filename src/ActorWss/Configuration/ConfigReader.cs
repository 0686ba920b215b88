using System.Globalization;
using Akka.Configuration;

namespace ActorWss.Configuration;

/// <summary>
/// Typed reads of one HOCON section that fail with the full key, the value found and what is allowed, instead of
/// the HOCON library's generic exceptions.
/// </summary>
public sealed class ConfigReader(Config config, string path)
{
    public string Path { get; } = path;

    public ConfigReader Section(string key)
    {
        if (!config.HasPath(key)) throw Missing(key);
        return new ConfigReader(config.GetConfig(key), Full(key));
    }

    public bool Has(string key) => config.HasPath(key);

    /// <summary>The keys directly under this section.</summary>
    public IEnumerable<string> Keys => config.Root.GetObject().Items.Keys;

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
        try { size = config.GetByteSize(key); }
        catch (Exception) { size = null; }
        if (size is not { } n || n < min || n > max)
            throw Invalid(key, value, $"a size from {min} to {max} bytes (e.g. 64KiB, 16MiB)");
        return n;
    }

    public TimeSpan GetDuration(string key)
    {
        var value = Raw(key);
        TimeSpan duration;
        try { duration = config.GetTimeSpan(key, allowInfinite: false); }
        catch (Exception) { throw Invalid(key, value, "a duration (e.g. 500ms, 5s, 2m)"); }
        if (duration <= TimeSpan.Zero) throw Invalid(key, value, "a positive duration (e.g. 500ms, 5s, 2m)");
        return duration;
    }

    /// <summary>A duration, or null for "off".</summary>
    public TimeSpan? GetOptionalDuration(string key)
    {
        var value = Raw(key);
        if (value.ToLowerInvariant() is "off" or "none" or "infinite") return null;
        try { return GetDuration(key); }
        catch (InvalidConfigurationException) { throw Invalid(key, value, "off, or a positive duration (e.g. 30s)"); }
    }

    public T GetEnum<T>(string key, IReadOnlyDictionary<string, T> allowed)
    {
        var value = Raw(key);
        if (allowed.TryGetValue(value.ToLowerInvariant(), out var result)) return result;
        throw Invalid(key, value, "one of " + string.Join(", ", allowed.Keys));
    }

    public IReadOnlyList<string> GetStringList(string key)
    {
        if (!config.HasPath(key)) throw Missing(key);
        try { return config.GetStringList(key).Where(s => !string.IsNullOrWhiteSpace(s)).ToArray(); }
        catch (Exception) { throw Invalid(key, Raw(key), "a list of strings, e.g. [\"a\", \"b\"]"); }
    }

    private string Raw(string key)
    {
        if (!config.HasPath(key)) throw Missing(key);
        var value = config.GetValue(key);
        if (value.IsObject() || value.IsArray()) throw Invalid(key, "{...}", "a single value");
        return value.GetString()?.Trim() ?? "";
    }

    private string Full(string key) => Path.Length == 0 ? key : Path + "." + key;

    private InvalidConfigurationException Missing(string key) => new($"{Full(key)}: missing (no default either)");

    private InvalidConfigurationException Invalid(string key, string found, string allowed) =>
        new($"{Full(key)}: '{found}' is not valid; expected {allowed}");
}
