using Akka.Configuration;

namespace ActorWss.Configuration;

/// <summary>
/// Rejects keys under <c>actorwss</c> that the server does not read: a misspelt key would otherwise be ignored in
/// silence and its default used. Listener sections are checked against <c>listener-defaults</c> (and their
/// <c>tls { }</c> overrides against <c>tls</c>); the offload dispatcher section is Akka.NET's to check.
/// </summary>
internal static class KnownKeys
{
    public static void Check(Config merged, Config reference)
    {
        var actorwss = merged.GetConfig("actorwss");
        var known = reference.GetConfig("actorwss");
        CheckSection(actorwss, known, "actorwss", known);
    }

    private static void CheckSection(Config section, Config known, string path, Config root)
    {
        foreach (var key in Keys(section))
        {
            var full = path + "." + key;
            if (full is "actorwss.tls.offload-dispatcher" or "actorwss.transport.event-loop-dispatcher") continue;
            if (full == "actorwss.routes")
            {
                var routes = section.GetConfig(key);
                foreach (var name in Keys(routes))
                {
                    if (!routes.GetValue(name).IsObject())
                        throw new InvalidConfigurationException($"{full}.{name}: expected an object {{ path = ..., handler = ... }}");
                    CheckSection(routes.GetConfig(name), root.GetConfig("route-defaults"), $"{full}.{name}", root);
                }
                continue;
            }
            if (full == "actorwss.listeners")
            {
                var listeners = section.GetConfig(key);
                foreach (var name in Keys(listeners))
                {
                    if (!listeners.GetValue(name).IsObject())
                        throw new InvalidConfigurationException($"{full}.{name}: expected an object {{ port = ..., ... }}");
                    CheckSection(listeners.GetConfig(name), root.GetConfig("listener-defaults"), $"{full}.{name}", root);
                }
                continue;
            }
            if (key == "sni" && path.EndsWith("tls", StringComparison.Ordinal) && section.GetValue(key).IsObject())
            {
                // Host names are the user's; each entry has the keys of a certificate.
                var sni = section.GetConfig(key);
                foreach (var name in Keys(sni))
                {
                    var quoted = $"\"{name}\"";
                    if (sni.GetValue(quoted).IsObject())
                        CheckSection(sni.GetConfig(quoted), root.GetConfig("tls.certificate"), $"{full}.{quoted}", root);
                }
                continue;
            }
            if (!known.HasPath(key))
                throw new InvalidConfigurationException($"{full}: unknown key{Suggestion(key, Keys(known))}");
            bool isObject = section.GetValue(key).IsObject(), knownObject = known.GetValue(key).IsObject();
            if (isObject && knownObject) CheckSection(section.GetConfig(key), known.GetConfig(key), full, root);
            else if (isObject && key == "tls" && path.StartsWith("actorwss.listeners.", StringComparison.Ordinal))
                CheckSection(section.GetConfig(key), root.GetConfig("tls"), full, root);
        }
    }

    private static IEnumerable<string> Keys(Config config) =>
        config.IsEmpty ? [] : config.Root.GetObject().Items.Keys.ToArray();

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
