using Akka.Configuration.Hocon;

namespace ActorWss.Configuration;

/// <summary>What a HOCON value is: a section of keys, a list, or a single value.</summary>
internal enum HoconShape
{
    Section,
    List,
    Value,
}

internal static class HoconShapes
{
    /// <summary>
    /// The shape of <paramref name="value"/>, as HOCON defines it: the last value given wins. Akka.NET keeps
    /// <c>a.b = on</c> followed by <c>a = [1]</c> as both (and answers true to both <c>IsObject()</c> and
    /// <c>IsArray()</c>), and says false to <c>IsArray()</c> for an empty list.
    /// </summary>
    public static HoconShape ShapeOf(HoconValue value) => value.Values.Count == 0 ? HoconShape.Value : value.Values[^1] switch
    {
        HoconObject => HoconShape.Section,
        HoconArray => HoconShape.List,
        _ => HoconShape.Value,
    };

    /// <summary>How a value is shown in an error: a single value as itself, others by their shape.</summary>
    public static string Describe(HoconValue value) => ShapeOf(value) switch
    {
        HoconShape.Section => "{...}",
        HoconShape.List => "[...]",
        _ => value.GetString()?.Trim() ?? "",
    };

    /// <summary>What a key of this shape takes, for error messages.</summary>
    public static string Expected(HoconShape shape) => shape switch
    {
        HoconShape.Section => "a section { key = value, ... }",
        HoconShape.List => "a list, e.g. [\"a\", \"b\"]",
        _ => "a single value",
    };
}
