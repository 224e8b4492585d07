using System.Text;
using Vibe.Crdt.Types;

namespace Vibe.Crdt.Tool;

/// <summary>Applies base64 updates from stdin to one document and prints the roots' JSON and the encoded state.</summary>
internal static class ApplyCommand
{
    public static int Run(string[] args)
    {
        var v2 = false;
        var roots = new List<(string Name, string Kind)>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--v2") v2 = true;
            else if (args[i] == "--root" && i + 1 < args.Length)
            {
                var spec = args[++i];
                var colon = spec.LastIndexOf(':');
                if (colon <= 0) return Fail($"bad root spec {spec}", 0, 64);
                roots.Add((spec[..colon], spec[(colon + 1)..]));
            }
            else return Fail($"unknown argument {args[i]}", 0, 64);
        }
        var doc = new Doc();
        var types = new List<(string, AbstractType)>();
        foreach (var (name, kind) in roots)
        {
            AbstractType t = kind switch
            {
                "text" => doc.GetText(name),
                "map" => doc.GetMap(name),
                "array" => doc.GetArray(name),
                "xml" => doc.GetXmlFragment(name),
                _ => throw new ArgumentException($"unknown root kind {kind}"),
            };
            types.Add((name, t));
        }
        var lineNo = 0;
        string? line;
        using var stdin = new StreamReader(Console.OpenStandardInput(), System.Text.Encoding.UTF8);
        while ((line = stdin.ReadLine()) != null)
        {
            lineNo++;
            line = line.Trim();
            if (line.Length == 0) continue;
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(line);
            }
            catch (FormatException)
            {
                return Fail("invalid base64", lineNo, 2);
            }
            try
            {
                if (v2) Y.ApplyUpdateV2(doc, bytes);
                else Y.ApplyUpdate(doc, bytes);
            }
            catch (CrdtFormatException e)
            {
                return Fail(e.Message, lineNo, 2);
            }
        }
        var json = new JsObject();
        foreach (var (name, t) in types) json[name] = t.ToJson();
        var result = new JsObject
        {
            ["json"] = json,
            ["stateVector"] = Convert.ToBase64String(Y.EncodeStateVector(doc)),
            ["state"] = Convert.ToBase64String(Y.EncodeStateAsUpdate(doc)),
        };
        Console.WriteLine(JsonText.Stringify(result));
        return 0;
    }

    private static int Fail(string message, int line, int code)
    {
        Console.WriteLine(JsonText.Stringify(new JsObject { ["error"] = message, ["line"] = (double)line }));
        return code;
    }
}
