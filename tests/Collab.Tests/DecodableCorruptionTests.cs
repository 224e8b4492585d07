using Vibe.Contracts.Documents;
using Vibe.Crdt;
using Vibe.Crdt.Protocols;
using Vibe.Crdt.Updates;
using Vibe.Grains.Documents;
using Vibe.Grains.Documents.Log;

namespace Vibe.Collab.Tests;

/// <summary>
/// Bit-flipped update frames that still decode are accepted; afterwards the document's text must still be what
/// its own encoded state decodes to, or a joining peer sees a different text than the server.
/// </summary>
public sealed class DecodableCorruptionTests
{
    // Known gap, narrowed: an item whose right origin is not right of its origin is now refused (Vibe.Crdt,
    // RobustDecodingTests), which took the diverging seeds of this fuzz from 14 to 6 of 300 (39, 58, 93, 97 and
    // others now pass). Left: seeds 131, 228, 244, 248, 281, 288. Seed 131 goes through a struct parked as pending:
    // a corrupt clock makes it wait for content, a later update supplies that content, and the pending struct ends
    // up in the encoded state but not in the text (the others are not analysed yet). yjs 13.6.33 itself diverges on
    // 32 of 300 seeds of this fuzz under node. A likely fix: the server refuses updates it cannot apply at once
    // instead of parking them (its clients sync with it first, so a valid update never waits).
    [Fact(Skip = "Known gap: decodable corrupt updates parked as pending can make the text differ from the encoded state; see comment")]
    public void Accepted_corrupt_updates_keep_the_text_equal_to_the_encoded_state()
    {
        var failures = new List<string>();
        for (var seed = 0; seed < 200 && failures.Count < 3; seed++)
        {
            var random = new Random(seed);
            var document = CollabDocument.Load(new StoredDocument(null, 0, []), TimeProvider.System);
            document.Doc.ClientId = 1000 + seed;
            document.SetText("stable content\n");
            var source = new Doc(new DocOptions { ClientId = 5000 + seed });
            Y.ApplyUpdate(source, document.EncodeState());
            byte[]? update = null;
            source.Update += (u, _, _) => update = u;
            source.Transact(_ =>
            {
                var text = source.GetText(CollabDocument.ContentName);
                text.Insert(7, "and growing ");
                text.Delete(0, 2);
            });
            var frame = WebsocketMessages.UpdateFrame(update!);
            for (var i = 0; i < 40; i++)
            {
                var flipped = (byte[])frame.Clone();
                flipped[random.Next(2, flipped.Length)] ^= (byte)(1 << random.Next(8));
                document.Receive("fuzzer", flipped, canWrite: true);
            }
            var fresh = new Doc();
            Y.ApplyUpdate(fresh, document.EncodeState());
            var decoded = fresh.GetText(CollabDocument.ContentName).ToString();
            if (decoded != document.Text)
                failures.Add($"seed {seed}: server '{document.Text}' vs decoded '{decoded}'");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
