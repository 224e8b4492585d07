using System.Text;
using Vibe.Crdt.Structs;

namespace Vibe.Crdt.Types;

/// <summary>Text change event whose delta carries inserts, deletes, retains and formatting like yjs's YTextEvent.</summary>
public sealed class YTextEvent : YEvent
{
    private List<JsObject>? _textDelta;

    internal YTextEvent(YText target, Transaction tx, HashSet<string?> subs) : base(target, tx, subs) { }

    public override List<JsObject> Delta => _textDelta ??= Compute();

    private static bool EqualAttrs(object? a, object? b)
    {
        if (JsValue.StrictEquals(a, b)) return true;
        if (a is JsObject oa && b is JsObject ob)
        {
            if (oa.Count != ob.Count) return false;
            foreach (var (k, v) in oa) if (!ob.TryGetValue(k, out var w) || !JsValue.StrictEquals(v, w)) return false;
            return true;
        }
        return false;
    }

    private List<JsObject> Compute()
    {
        var delta = new List<JsObject>();
        var doc = Target.Doc!;
        doc.Transact(tx =>
        {
            var current = new Dictionary<string, object?>();
            var old = new Dictionary<string, object?>();
            var attributes = new JsObject();
            string? action = null;
            object? insertEmbed = null;
            var insert = new StringBuilder();
            long retain = 0;
            long deleteLen = 0;
            void AddOp()
            {
                if (action == null) return;
                JsObject? op = null;
                switch (action)
                {
                    case "delete":
                        if (deleteLen > 0) op = new JsObject { ["delete"] = (double)deleteLen };
                        deleteLen = 0;
                        break;
                    case "insert":
                        if (insertEmbed != null || insert.Length > 0)
                        {
                            op = new JsObject { ["insert"] = insertEmbed ?? insert.ToString() };
                            if (current.Count > 0)
                            {
                                var attrs = new JsObject();
                                foreach (var (k, v) in current) if (v != null) attrs[k] = v;
                                op["attributes"] = attrs;
                            }
                        }
                        insert.Clear();
                        insertEmbed = null;
                        break;
                    case "retain":
                        if (retain > 0)
                        {
                            op = new JsObject { ["retain"] = (double)retain };
                            if (attributes.Count > 0)
                            {
                                var copy = new JsObject();
                                foreach (var (k, v) in attributes) copy[k] = v;
                                op["attributes"] = copy;
                            }
                        }
                        retain = 0;
                        break;
                }
                if (op != null) delta.Add(op);
                action = null;
            }
            for (var item = Target.Start; item != null; item = item.Right)
            {
                switch (item.Content)
                {
                    case ContentType or ContentEmbed:
                        if (Adds(item))
                        {
                            if (!Deletes(item))
                            {
                                AddOp();
                                action = "insert";
                                insertEmbed = item.Content.GetContent()[0];
                                AddOp();
                            }
                        }
                        else if (Deletes(item))
                        {
                            if (action != "delete")
                            {
                                AddOp();
                                action = "delete";
                            }
                            deleteLen += 1;
                        }
                        else if (!item.IsDeleted)
                        {
                            if (action != "retain")
                            {
                                AddOp();
                                action = "retain";
                            }
                            retain += 1;
                        }
                        break;
                    case ContentString s:
                        if (Adds(item))
                        {
                            if (!Deletes(item))
                            {
                                if (action != "insert")
                                {
                                    AddOp();
                                    action = "insert";
                                }
                                s.AppendTo(insert);
                            }
                        }
                        else if (Deletes(item))
                        {
                            if (action != "delete")
                            {
                                AddOp();
                                action = "delete";
                            }
                            deleteLen += item.Length;
                        }
                        else if (!item.IsDeleted)
                        {
                            if (action != "retain")
                            {
                                AddOp();
                                action = "retain";
                            }
                            retain += item.Length;
                        }
                        break;
                    case ContentFormat f:
                    {
                        if (Adds(item))
                        {
                            if (!Deletes(item))
                            {
                                var curVal = current.TryGetValue(f.Key, out var cv) ? cv : null;
                                if (!EqualAttrs(curVal, f.Value))
                                {
                                    if (action == "retain") AddOp();
                                    if (EqualAttrs(f.Value, old.TryGetValue(f.Key, out var ov) ? ov : null)) attributes.Remove(f.Key);
                                    else attributes[f.Key] = f.Value;
                                }
                                else if (f.Value != null) item.Delete(tx);
                            }
                        }
                        else if (Deletes(item))
                        {
                            old[f.Key] = f.Value;
                            var curVal = current.TryGetValue(f.Key, out var cv) ? cv : null;
                            if (!EqualAttrs(curVal, f.Value))
                            {
                                if (action == "retain") AddOp();
                                attributes[f.Key] = curVal;
                            }
                        }
                        else if (!item.IsDeleted)
                        {
                            old[f.Key] = f.Value;
                            if (attributes.TryGetValue(f.Key, out var attr))
                            {
                                if (!EqualAttrs(attr, f.Value))
                                {
                                    if (action == "retain") AddOp();
                                    if (f.Value == null) attributes.Remove(f.Key);
                                    else attributes[f.Key] = f.Value;
                                }
                                else if (attr != null) item.Delete(tx);
                            }
                        }
                        if (!item.IsDeleted)
                        {
                            if (action == "insert") AddOp();
                            TextPosition.UpdateAttributes(current, f);
                        }
                        break;
                    }
                }
            }
            AddOp();
            while (delta.Count > 0 && delta[^1].ContainsKey("retain") && !delta[^1].ContainsKey("attributes")) delta.RemoveAt(delta.Count - 1);
        });
        return delta;
    }
}
