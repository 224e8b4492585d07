using Vibe.Crdt.Encoding;
using Vibe.Crdt.Structs;
using Vibe.Crdt.Types;

namespace Vibe.Crdt.Updates;

/// <summary>A fully decoded and validated update: structs per client (ascending clock) and a delete set.</summary>
internal sealed class ParsedUpdate
{
    public Dictionary<long, List<AbstractStruct>> Structs { get; }
    public DeleteSet DeleteSet { get; set; }

    public ParsedUpdate() : this(new(), null, new DeleteSet()) { }

    /// <summary>Structs in the order the update lists them (a client may appear in several blocks).</summary>
    public List<AbstractStruct> Flat => _flat ??= new();
    private List<AbstractStruct>? _flat;

    private ParsedUpdate(Dictionary<long, List<AbstractStruct>> structs, List<AbstractStruct>? flat, DeleteSet deleteSet)
    {
        Structs = structs;
        _flat = flat;
        DeleteSet = deleteSet;
    }

    public static ParsedUpdate Read(IUpdateDecoder decoder, bool keepFlat = false)
    {
        var structs = new Dictionary<long, List<AbstractStruct>>();
        var flat = keepFlat ? new List<AbstractStruct>() : null;
        ReadStructs(decoder, structs, flat);
        return new ParsedUpdate(structs, flat, DeleteSet.Read(decoder));
    }

    private static void ReadStructs(IUpdateDecoder decoder, Dictionary<long, List<AbstractStruct>> clientRefs, List<AbstractStruct>? flat)
    {
        var rest = decoder.Rest;
        var numClients = rest.ReadBoundedCount(2);
        for (var c = 0; c < numClients; c++)
        {
            var numStructsRaw = rest.ReadVarUint();
            if (numStructsRaw > decoder.MaxStructCount) throw new CrdtFormatException("Struct count exceeds the input");
            var numStructs = (int)numStructsRaw;
            var client = decoder.ReadClient();
            var clock = rest.ReadVarUint();
            var refs = new List<AbstractStruct>(Math.Min(numStructs, 1024));
            for (var i = 0; i < numStructs; i++)
            {
                var info = decoder.ReadInfo();
                AbstractStruct s;
                switch (info & 0x1F)
                {
                    case 0:
                    {
                        var len = decoder.ReadLen();
                        s = new GcStruct(new Id(client, clock), len);
                        break;
                    }
                    case 10:
                    {
                        var len = rest.ReadVarUint();
                        s = new SkipStruct(new Id(client, clock), len);
                        break;
                    }
                    default:
                        s = ReadItem(decoder, info, new Id(client, clock));
                        break;
                }
                if (s.Length <= 0) throw new CrdtFormatException("Struct with zero length");
                clock += s.Length;
                if (clock > Lib0Reader.MaxSafeInteger) throw new CrdtFormatException("Clock out of range");
                refs.Add(s);
            }
            clientRefs[client] = refs;
            flat?.AddRange(refs);
        }
    }

    private static Item ReadItem(IUpdateDecoder decoder, byte info, Id id)
    {
        Id? origin = (info & 0x80) != 0 ? decoder.ReadLeftId() : null;
        Id? rightOrigin = (info & 0x40) != 0 ? decoder.ReadRightId() : null;
        var cantCopyParentInfo = (info & 0xC0) == 0;
        object? parentRef = null;
        string? parentSub = null;
        if (cantCopyParentInfo)
        {
            parentRef = decoder.ReadParentInfo() ? decoder.ReadString() : decoder.ReadLeftId();
            if ((info & 0x20) != 0) parentSub = decoder.ReadString();
        }
        // A struct can only refer to earlier content of its own client.
        if (origin is { } o && o.Client == id.Client && o.Clock >= id.Clock) throw new CrdtFormatException("Origin refers to later content of the same client");
        if (rightOrigin is { } ro && ro.Client == id.Client && ro.Clock >= id.Clock) throw new CrdtFormatException("Right origin refers to later content of the same client");
        if (parentRef is Id p && p.Client == id.Client && p.Clock >= id.Clock) throw new CrdtFormatException("Parent refers to later content of the same client");
        // Origin is the character left of the insertion, right origin the one right of it: never the same one. Yjs
        // would link the item to one neighbour on both sides and the list would no longer match its encoding.
        if (origin is { } left && rightOrigin is { } right && left == right) throw new CrdtFormatException("Origin and right origin are the same character");
        var content = ReadContent(decoder, info & 0x1F);
        return new Item(id, null, origin, null, rightOrigin, null, parentSub, content) { ParentRef = parentRef };
    }

    private static AbstractContent ReadContent(IUpdateDecoder decoder, int contentRef)
    {
        switch (contentRef)
        {
            case 1:
            {
                var len = decoder.ReadLen();
                if (len > Lib0Reader.MaxSafeInteger) throw new CrdtFormatException("Length out of range");
                return new ContentDeleted(len);
            }
            case 2:
            {
                var len = ReadListLength(decoder);
                var values = new List<object?>(len);
                for (var i = 0; i < len; i++)
                {
                    var s = decoder.ReadString();
                    values.Add(s == "undefined" ? Undefined.Value : JsonText.Parse(s));
                }
                return new ContentJson(values);
            }
            case 3: return new ContentBinary(decoder.ReadBuf());
            case 4: return new ContentString(decoder.ReadString());
            case 5: return new ContentEmbed(decoder.ReadJson());
            case 6: return new ContentFormat(decoder.ReadKey(), decoder.ReadJson());
            case 7:
            {
                var typeRef = decoder.ReadTypeRef();
                AbstractType type = typeRef switch
                {
                    0 => new YArray(),
                    1 => new YMap(),
                    2 => new YText(),
                    3 => new YXmlElement(decoder.ReadKey()),
                    4 => new YXmlFragment(),
                    5 => new YXmlHook(decoder.ReadKey()),
                    6 => new YXmlText(),
                    _ => throw new CrdtFormatException($"Unknown type ref {typeRef}"),
                };
                return new ContentType(type);
            }
            case 8:
            {
                var len = ReadListLength(decoder);
                var values = new List<object?>(len);
                for (var i = 0; i < len; i++) values.Add(decoder.ReadAny());
                return new ContentAny(values);
            }
            case 9:
            {
                var guid = decoder.ReadString();
                var opts = decoder.ReadAny() as JsObject ?? throw new CrdtFormatException("Sub-document options must be an object");
                return new ContentDoc(Doc.FromOptions(guid, opts));
            }
            default: throw new CrdtFormatException($"Unknown content ref {contentRef}");
        }
    }

    private static int ReadListLength(IUpdateDecoder decoder)
    {
        var len = decoder.ReadLen();
        if (len > decoder.MaxStructCount + 1024 || len > int.MaxValue) throw new CrdtFormatException("Content length exceeds the input");
        return (int)len;
    }
}
