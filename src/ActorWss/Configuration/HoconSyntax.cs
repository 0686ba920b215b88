namespace ActorWss.Configuration;

/// <summary>
/// A structural check of HOCON text before Akka.NET parses it. That parser accepts almost anything silently
/// ("a = {" becomes an empty object, "this is not hocon" a key) and loops or overflows its stack on some input
/// (a stray backslash inside a list), which no exception handler can catch. This check rejects, with file and
/// line, what is certainly broken: unterminated strings, unbalanced or crossed brackets and braces, backslashes
/// outside strings, and lines that are neither a setting, an include, nor part of a list or object. A key may
/// have its <c>{</c> on the next line, and a value may follow its <c>=</c> on the next line.
/// </summary>
internal static class HoconSyntax
{
    public static void Validate(string text, string source)
    {
        var open = new Stack<(char Bracket, int Line)>();
        int line = 1;
        bool lineHasContent = false, lineHasSeparator = false;
        bool previousEndsWithSeparator = false;     // "key =" : the value is on the next line
        (int Line, string Text)? awaitingBrace = null; // "key" alone: its "{" must open the next line
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n')
            {
                CheckLine();
                line++;
                continue;
            }
            if (c == '#' || (c == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                while (i + 1 < text.Length && text[i + 1] != '\n') i++;
                continue;
            }
            if (!char.IsWhiteSpace(c) && awaitingBrace is { } dangling && c != '{')
                throw Error(source, dangling.Line, $"'{dangling.Text}' is not a setting (key = value)");
            if (!char.IsWhiteSpace(c)) awaitingBrace = null;
            if (c == '"')
            {
                int end = SkipString(text, i, line, source);
                line += text.AsSpan(i, end - i).Count('\n'); // a multi-line """ string
                i = end;
                lineHasContent = true;
                continue;
            }
            switch (c)
            {
                case '{' or '[':
                    open.Push((c, line));
                    lineHasSeparator = true;
                    break;
                case '}' or ']':
                    char expected = c == '}' ? '{' : '[';
                    if (open.Count == 0 || open.Peek().Bracket != expected)
                        throw Error(source, line, $"'{c}' without a matching '{expected}'");
                    open.Pop();
                    lineHasSeparator = true;
                    break;
                case '=' or ':' or ',':
                    lineHasSeparator = true;
                    break;
                case '\\':
                    throw Error(source, line, "a backslash outside a quoted string");
                default:
                    if (!char.IsWhiteSpace(c)) lineHasContent = true;
                    break;
            }
        }
        CheckLine();
        if (awaitingBrace is { } last) throw Error(source, last.Line, $"'{last.Text}' is not a setting (key = value)");
        if (open.Count > 0)
        {
            var (bracket, openedAt) = open.Peek();
            throw Error(source, openedAt, $"'{bracket}' is never closed");
        }

        void CheckLine()
        {
            bool inList = open.Count > 0 && open.Peek().Bracket == '[';
            var trimmed = LineAt(text, line).Trim();
            if (lineHasContent && !lineHasSeparator && !inList && !previousEndsWithSeparator
                && !trimmed.StartsWith("include ", StringComparison.Ordinal))
                awaitingBrace = (line, trimmed);
            if (trimmed.Length > 0) previousEndsWithSeparator = trimmed[^1] is '=' or ':';
            lineHasContent = lineHasSeparator = false;
        }
    }

    private static int SkipString(string text, int start, int line, string source)
    {
        if (string.CompareOrdinal(text, start, "\"\"\"", 0, 3) == 0)
        {
            int end = text.IndexOf("\"\"\"", start + 3, StringComparison.Ordinal);
            if (end < 0) throw Error(source, line, "a \"\"\" string is never closed");
            return end + 2;
        }
        for (int i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\\') { i++; continue; }
            if (text[i] == '"') return i;
            if (text[i] == '\n') break;
        }
        throw Error(source, line, "a quoted string is not closed on its line");
    }

    private static string LineAt(string text, int line)
    {
        int start = 0;
        for (int n = 1; n < line && start >= 0; n++) start = text.IndexOf('\n', start) + 1;
        int end = text.IndexOf('\n', start);
        var content = end < 0 ? text[start..] : text[start..end];
        int comment = content.IndexOf('#');
        return comment < 0 ? content : content[..comment];
    }

    private static InvalidConfigurationException Error(string source, int line, string what) => new($"{source}:{line}: {what}");
}
