using Akka.Configuration;
using Akka.Configuration.Hocon;
using static ActorWss.Configuration.HoconShapes;

namespace ActorWss.Configuration;

/// <summary>
/// Rejects keys under <c>actorwss</c> that the server does not read: a misspelt key would otherwise be ignored in
/// silence and its default used. Listener sections are checked against <c>listener-defaults</c> (and their
/// <c>tls { }</c> overrides against <c>tls</c>); the offload dispatcher section is Akka.NET's to check. Every key's
/// shape is checked against the reference too: a section given a value or a list, a list given a single value (which
/// Akka.NET would read as an empty list: <c>allowed-origins = "https://a.example"</c> would allow every origin), or a
/// value given a section or list is an error naming the key.
/// </summary>
internal static class KnownKeys
{
    /// <summary>Checks the keys <paramref name="config"/> sets (before it is merged with the reference defaults).</summary>
    public static void Check(Config config, Config reference)
    {
        if (config.IsEmpty || !config.HasPath("actorwss")) return;
        var actorwss = config.GetValue("actorwss");
        var known = reference.GetValue("actorwss").GetObject();
        if (ShapeOf(actorwss) != HoconShape.Section) throw WrongShape("actorwss", HoconShape.Section, actorwss);
        CheckSection(actorwss.GetObject(), known, "actorwss", known);
    }

    /// <summary>Keys that take a list or a single value (a comma-separated string from an environment variable, or inherit).</summary>
    private static bool TakesValueOrList(string path, string key) =>
        (path == "actorwss.cluster" && key is "seed-nodes" or "roles")
        || (key == "subprotocols" && (path == "actorwss.route-defaults" || path.StartsWith("actorwss.routes.", StringComparison.Ordinal)));

    /// <summary>
    /// Walks the values themselves rather than <c>Config.GetConfig</c> sections: Akka.NET's section merge throws a
    /// NullReferenceException when a section of the reference is given as a value or a list.
    /// </summary>
    private static void CheckSection(HoconObject section, HoconObject known, string path, HoconObject root)
    {
        foreach (var (key, value) in section.Items)
        {
            var full = path + "." + key;
            var shape = ShapeOf(value);
            if (full is "actorwss.tls.offload-dispatcher" or "actorwss.transport.event-loop-dispatcher")
            {
                // Akka.NET's dispatcher settings: Akka checks what is inside; a section it must be.
                if (shape != HoconShape.Section) throw WrongShape(full, HoconShape.Section, value);
                continue;
            }
            if (full is "actorwss.routes" or "actorwss.listeners")
            {
                // Names are the user's; each entry takes the keys of the defaults.
                var (defaults, example) = key == "routes" ? ("route-defaults", "path = ..., handler = ...") : ("listener-defaults", "port = ..., ...");
                if (shape != HoconShape.Section) throw WrongShape(full, HoconShape.Section, value);
                foreach (var (name, entry) in value.GetObject().Items)
                {
                    if (ShapeOf(entry) != HoconShape.Section)
                        throw new InvalidConfigurationException($"{full}.{name}: expected an object {{ {example} }}");
                    CheckSection(entry.GetObject(), root.Items[defaults].GetObject(), $"{full}.{name}", root);
                }
                continue;
            }
            if (key == "sni" && path.EndsWith("tls", StringComparison.Ordinal))
            {
                // Host names are the user's; each entry has the keys of a certificate.
                if (shape != HoconShape.Section) throw WrongShape(full, HoconShape.Section, value);
                var certificate = root.Items["tls"].GetObject().Items["certificate"].GetObject();
                foreach (var (name, entry) in value.GetObject().Items)
                    if (ShapeOf(entry) == HoconShape.Section) CheckSection(entry.GetObject(), certificate, $"{full}.\"{name}\"", root);
                continue;
            }
            if (!known.Items.TryGetValue(key, out var knownValue))
                throw new InvalidConfigurationException($"{full}: unknown key{Suggestion(key, known.Items.Keys)}");
            if (key == "tls" && (path == "actorwss.listener-defaults" || path.StartsWith("actorwss.listeners.", StringComparison.Ordinal)))
            {
                // A listener's tls is on, off, or a section of actorwss.tls keys it overrides.
                if (shape == HoconShape.List)
                    throw new InvalidConfigurationException($"{full}: '[...]' is not valid; expected on, off, or a section of actorwss.tls keys");
                if (shape == HoconShape.Section) CheckSection(value.GetObject(), root.Items["tls"].GetObject(), full, root);
                continue;
            }
            var expected = ShapeOf(knownValue);
            if (TakesValueOrList(path, key) && shape != HoconShape.Section) continue;
            if (shape != expected) throw WrongShape(full, expected, value);
            if (shape == HoconShape.Section) CheckSection(value.GetObject(), knownValue.GetObject(), full, root);
        }
    }

    private static InvalidConfigurationException WrongShape(string key, HoconShape expected, HoconValue found) =>
        new($"{key}: '{Describe(found)}' is not valid; expected {Expected(expected)}");

    private static string Suggestion(string key, IEnumerable<string> candidates)
    {
        var best = candidates.Select(c => (Candidate: c, Distance: Distance(key, c))).MinBy(x => x.Distance);
        return best.Candidate is not null && best.Distance <= Math.Max(2, key.Length / 3) ? $"; did you mean '{best.Candidate}'?" : "";
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
