using System.Text;
using System.Text.Json.Nodes;

namespace Vibe.Crdt.Interop.Tests.Sessions;

/// <summary>Which kinds of operation and delivery a session may use.</summary>
public sealed record SessionFeatures(bool Text = true, bool Formatting = true, bool Maps = true, bool Arrays = true, bool Xml = true, bool Astral = true, bool Merged = true)
{
    public static SessionFeatures FromEnvironment()
    {
        var off = (Environment.GetEnvironmentVariable("CRDT_INTEROP_OFF") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new SessionFeatures(!off.Contains("text"), !off.Contains("formatting"), !off.Contains("maps"), !off.Contains("arrays"), !off.Contains("xml"), !off.Contains("astral"), !off.Contains("merged"));
    }
}

/// <summary>Draws random operations over the four roots; positions are fractions so each peer resolves them on its own state.</summary>
public sealed class OpGenerator(Random rng, SessionFeatures features)
{
    private static readonly string[] Keys = ["a", "b", "c", "d", "0", "10"];
    private static readonly string[] Names = ["p", "div", "Heading", "li"];
    private const string Plain = "abcdefghijklmnop xyzÄé中\n\"\\<>&";

    public string Word()
    {
        var len = 1 + rng.Next(rng.Next(4) == 0 ? 12 : 4);
        var sb = new StringBuilder();
        for (var i = 0; i < len; i++)
        {
            if (features.Astral && rng.Next(40) == 0) sb.Append(rng.Next(2) == 0 ? "😀" : "🎉");
            else sb.Append(Plain[rng.Next(Plain.Length)]);
        }
        return sb.ToString();
    }

    private static readonly double[] Numbers = [0, 1, -7, 42, 1.5, 0.1, -2.25, 2147483647, 2147483648, -2147483649, 1099511627776, 9007199254740991, 1e21, 1e-7, 3.4028234663852886e38];

    public JsonNode? JsonValue(int depth = 0)
    {
        switch (rng.Next(depth >= 2 ? 5 : 8))
        {
            case 0: return null;
            case 1: return rng.Next(2) == 0;
            case 2: return Numbers[rng.Next(Numbers.Length)];
            case 3: return Word();
            case 4: return (double)rng.Next(-100, 1000);
            case 5:
            {
                var a = new JsonArray();
                for (var i = rng.Next(4); i > 0; i--) a.Add(JsonValue(depth + 1));
                return a;
            }
            case 6:
            {
                var o = new JsonObject();
                for (var i = rng.Next(4); i > 0; i--) o[Keys[rng.Next(Keys.Length)]] = JsonValue(depth + 1);
                return o;
            }
            default:
            {
                var bytes = new byte[rng.Next(5)];
                rng.NextBytes(bytes);
                return new JsonObject { ["$bin"] = Convert.ToBase64String(bytes) };
            }
        }
    }

    private JsonObject Attributes()
    {
        var o = new JsonObject();
        switch (rng.Next(4))
        {
            case 0: o["bold"] = true; break;
            case 1: o["bold"] = null; break;
            case 2: o["italic"] = true; break;
            default: o["href"] = Word(); break;
        }
        return o;
    }

    private string TypeKind() => rng.Next(3) switch { 0 => "map", 1 => "array", _ => "text" };

    public JsonObject Next()
    {
        while (true)
        {
            var r = rng.NextDouble();
            var n = 1 + rng.Next(rng.Next(3) == 0 ? 10 : 3);
            switch (rng.Next(20))
            {
                case 0 or 1 or 2 or 3 when features.Text:
                {
                    var op = new JsonObject { ["k"] = "ti", ["r"] = r, ["s"] = Word() };
                    if (features.Formatting && rng.Next(5) == 0) op["a"] = Attributes();
                    return op;
                }
                case 4 or 5 when features.Text: return new JsonObject { ["k"] = "td", ["r"] = r, ["n"] = n };
                case 6 when features.Text && features.Formatting: return new JsonObject { ["k"] = "tf", ["r"] = r, ["n"] = n, ["a"] = Attributes() };
                case 7 when features.Text && features.Formatting && rng.Next(3) == 0:
                    return new JsonObject { ["k"] = "te", ["r"] = r, ["v"] = new JsonObject { ["image"] = Word() } };
                case 8 or 9 when features.Maps: return new JsonObject { ["k"] = "ms", ["key"] = Keys[rng.Next(Keys.Length)], ["v"] = JsonValue() };
                case 10 when features.Maps: return new JsonObject { ["k"] = "md", ["key"] = Keys[rng.Next(Keys.Length)] };
                case 11 when features.Maps:
                    return rng.Next(2) == 0
                        ? new JsonObject { ["k"] = "mt", ["key"] = Keys[rng.Next(Keys.Length)], ["t"] = TypeKind(), ["s"] = Word() }
                        : new JsonObject { ["k"] = "me", ["key"] = Keys[rng.Next(Keys.Length)], ["r"] = r, ["s"] = Word() };
                case 12 or 13 when features.Arrays:
                {
                    var vs = new JsonArray();
                    for (var i = 1 + rng.Next(3); i > 0; i--) vs.Add(JsonValue(1));
                    return new JsonObject { ["k"] = "ai", ["r"] = r, ["vs"] = vs };
                }
                case 14 when features.Arrays: return new JsonObject { ["k"] = "ad", ["r"] = r, ["n"] = n };
                case 15 when features.Arrays:
                    return rng.Next(2) == 0
                        ? new JsonObject { ["k"] = "at", ["r"] = r, ["t"] = TypeKind(), ["s"] = Word() }
                        : new JsonObject { ["k"] = "ae", ["r"] = r, ["r2"] = rng.NextDouble(), ["s"] = Word() };
                case 16 when features.Xml:
                    return rng.Next(2) == 0
                        ? new JsonObject { ["k"] = "xe", ["r"] = r, ["name"] = Names[rng.Next(Names.Length)], ["key"] = Keys[rng.Next(Keys.Length)], ["v"] = Word() }
                        : new JsonObject { ["k"] = "xt", ["r"] = r, ["s"] = Word() };
                case 17 when features.Xml: return new JsonObject { ["k"] = "xd", ["r"] = r, ["n"] = 1 + rng.Next(2) };
                case 18 when features.Xml:
                    return new JsonObject { ["k"] = "xa", ["r"] = r, ["key"] = Keys[rng.Next(Keys.Length)], ["v"] = rng.Next(4) == 0 ? null : Word() };
                case 19 when features.Xml: return new JsonObject { ["k"] = "xm", ["r"] = r, ["r2"] = rng.NextDouble(), ["s"] = Word() };
            }
        }
    }
}
