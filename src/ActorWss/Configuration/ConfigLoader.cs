using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Akka.Configuration;

namespace ActorWss.Configuration;

/// <summary>
/// Builds the HOCON the server runs with: the config file, environment overrides written in it as
/// <c>key = ${?ENV_VAR}</c>, and command-line <c>--set key=value</c> overrides on top.
/// </summary>
internal static partial class ConfigLoader
{
    public static Config Load(string path, IEnumerable<string> overrides, Func<string, string?>? environment = null)
    {
        if (!File.Exists(path))
            throw new InvalidConfigurationException($"--config: file '{path}' does not exist");
        string text = ApplyEnvironment(File.ReadAllText(path), environment ?? Environment.GetEnvironmentVariable);
        HoconSyntax.Validate(text, path);
        Config fileConfig;
        try { fileConfig = ConfigurationFactory.ParseString(text); }
        catch (Exception e) { throw new InvalidConfigurationException($"{path}: not valid HOCON: {e.Message}"); }
        return ParseOverrides(overrides).WithFallback(fileConfig);
    }

    /// <summary>
    /// Akka.NET's HOCON parser does not read environment variables for <c>${?VAR}</c> (and an unset one blanks the
    /// key instead of leaving it alone), so lines of the form <c>key = ${?UPPER_CASE_VAR}</c> are resolved here: the
    /// value of the variable when it is set, otherwise the line is dropped and the key keeps its earlier value.
    /// </summary>
    public static string ApplyEnvironment(string hocon, Func<string, string?> environment)
    {
        var output = new StringBuilder(hocon.Length);
        foreach (var line in hocon.Split('\n'))
        {
            var match = EnvironmentLine().Match(line);
            if (!match.Success)
            {
                output.Append(line).Append('\n');
                continue;
            }
            var value = environment(match.Groups["var"].Value);
            if (value is null) output.Append("# (unset) ").Append(line).Append('\n');
            else output.Append(line[..match.Groups["key"].Index]).Append(match.Groups["key"].Value).Append(" = ")
                .Append(Quote(value)).Append('\n');
        }
        return output.ToString(0, Math.Max(0, output.Length - 1));
    }

    /// <summary>
    /// <c>key=value</c> pairs as HOCON. A value is a string (quoted here, whatever it contains), a list
    /// <c>[a, "b c"]</c>, or an object <c>{ k = v, ... }</c> (checked by <see cref="HoconSyntax"/> first).
    /// </summary>
    public static Config ParseOverrides(IEnumerable<string> overrides)
    {
        // One config per override, the later in front: a later --set replaces an earlier one as HOCON says, even where
        // Akka.NET's parser would keep both (a section, then a list at the same key, within one text).
        var result = ConfigurationFactory.Empty;
        foreach (var item in overrides)
        {
            int eq = item.IndexOf('=');
            if (eq <= 0) throw new InvalidConfigurationException($"--set: '{item}' is not key=value");
            var key = item[..eq].Trim();
            var value = item[(eq + 1)..].Trim();
            if (!KeyPattern().IsMatch(key)) throw new InvalidConfigurationException($"--set: '{key}' is not a HOCON key path");
            string rendered = value.StartsWith('[') || value.StartsWith('{') ? value : Quote(value);
            try { HoconSyntax.Validate($"{key} = {rendered}", "--set"); }
            catch (InvalidConfigurationException e) { throw new InvalidConfigurationException($"--set {item}: {e.Message[("--set:1: ".Length)..]}"); }
            Config parsed;
            try { parsed = ConfigurationFactory.ParseString($"{key} = {rendered}"); }
            catch (Exception e) { throw new InvalidConfigurationException($"--set {item}: not valid HOCON: {e.Message}"); }
            result = result.IsEmpty ? parsed : parsed.WithFallback(result);
        }
        return result;
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value);

    [GeneratedRegex(@"^\s*(?<key>[A-Za-z0-9_.\-""]+)\s*[=:]\s*\$\{\?(?<var>[A-Z_][A-Z0-9_]*)\}\s*(#.*|//.*)?\r?$")]
    private static partial Regex EnvironmentLine();

    [GeneratedRegex(@"^[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*$")]
    private static partial Regex KeyPattern();
}
