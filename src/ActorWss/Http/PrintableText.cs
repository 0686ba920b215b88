using System.Text;

namespace ActorWss.Http;

/// <summary>
/// Peer-supplied text made safe to print in logs and answers: control characters (C0, DEL and C1, the terminal
/// escape sequences among them) become <c>\xNN</c>, so a request cannot write escape codes or fake lines into a log.
/// </summary>
internal static class PrintableText
{
    public static string Escape(string text)
    {
        int first = text.AsSpan().IndexOfAnyInRange('\u0000', '\u001F');
        int other = text.AsSpan().IndexOfAnyInRange('\u007F', '\u009F');
        if (first < 0 && other < 0) return text;
        var escaped = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (IsControl(c)) escaped.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else escaped.Append(c);
        }
        return escaped.ToString();
    }

    public static bool IsControl(char c) => c < 0x20 || (c >= 0x7F && c <= 0x9F);
}
