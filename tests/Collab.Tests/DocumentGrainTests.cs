using Microsoft.Extensions.DependencyInjection;
using Vibe.Contracts.Documents;
using Vibe.Crdt;
using Vibe.Crdt.Encoding;
using Vibe.Crdt.Protocols;
using Vibe.Crdt.Updates;
using Vibe.Grains.Documents;
using Vibe.Grains.Documents.Log;

namespace Vibe.Collab.Tests;

/// <summary>The document grain driven directly through the node's grain factory, with C# Yjs peers.</summary>
public sealed class DocumentGrainTests(VibeNode node) : IClassFixture<VibeNode>
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>A Yjs client that sends each of its local updates to the grain as an update frame.</summary>
    sealed class Peer(string connectionId, IDocumentGrain grain)
    {
        readonly Doc _doc = new();
        readonly Random _random = new(connectionId.GetHashCode());

        public string Text => _doc.GetText(CollabDocument.ContentName).ToString();

        /// <summary>This peer's Yjs client id and its clock (one per character it has inserted).</summary>
        public (long Client, long Clock) Own => (_doc.ClientId, _doc.Store.GetStateVector().GetValueOrDefault(_doc.ClientId));

        /// <summary>One random insert or delete; the update is acknowledged by the grain before this returns.</summary>
        public async Task EditAsync()
        {
            byte[]? update = null;
            void Capture(byte[] u, object? _, Transaction __) => update = u;
            _doc.Update += Capture;
            try
            {
                var text = _doc.GetText(CollabDocument.ContentName);
                if (text.Length > 20 && _random.Next(3) == 0)
                    text.Delete(_random.Next((int)text.Length - 5), _random.Next(1, 5));
                else
                    text.Insert(_random.Next((int)text.Length + 1), $"[{connectionId}:{_random.Next(1000)}]");
            }
            finally
            {
                _doc.Update -= Capture;
            }
            var result = await grain.ReceiveFrameAsync(connectionId, WebsocketMessages.UpdateFrame(update!), canWrite: true);
            Assert.Null(result.ErrorCode);
        }

        /// <summary>Full sync as y-websocket does it: our step 1, apply the grain's step 2.</summary>
        public async Task SyncAsync()
        {
            var step1 = new Lib0Writer();
            step1.WriteVarUint(WebsocketMessages.MessageSync);
            SyncProtocol.WriteSyncStep1(step1, _doc);
            var result = await grain.ReceiveFrameAsync(connectionId, step1.ToArray(), canWrite: true);
            Assert.Null(result.ErrorCode);
            var messages = new WebsocketMessages(_doc, new Awareness(_doc));
            foreach (var reply in result.Replies)
                messages.Handle(reply, "server");
        }
    }

    static string NewDocumentId(string name) => $"grain-{Guid.NewGuid():N}/{name}";

    [Fact]
    public async Task Concurrent_random_edits_from_many_peers_converge_on_the_grain_text()
    {
        var grain = node.Grains.GetGrain<IDocumentGrain>(NewDocumentId("race.txt"));
        await grain.SetTextAsync("seed text that everyone starts from\n");
        var peers = Enumerable.Range(0, 16).Select(i => new Peer($"peer-{i}", grain)).ToList();
        foreach (var peer in peers)
            await peer.SyncAsync();

        // Every peer edits from its own task; halfway through each catches up, so later edits build on others'.
        await Task.WhenAll(peers.Select(peer => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await peer.EditAsync();
                if (i == 20)
                    await peer.SyncAsync();
            }
        })));

        foreach (var peer in peers)
            await peer.SyncAsync();
        var text = (await grain.GetTextAsync()).Text;
        Assert.All(peers, peer => Assert.Equal(text, peer.Text));
        // Every peer's every edit reached the grain: its state counts each peer's items. (Not a search for a peer's
        // marker in the text: another peer's random insert or delete may land inside it.)
        var merged = new Doc();
        Y.ApplyUpdate(merged, (await grain.GetSnapshotAsync()).State);
        var state = merged.Store.GetStateVector();
        Assert.All(peers, peer => Assert.Equal(peer.Own.Clock, state.GetValueOrDefault(peer.Own.Client)));
        Assert.All(peers, peer => Assert.True(peer.Own.Clock > 0, "a peer inserted nothing"));
    }

    [Fact]
    public async Task Truncated_and_bit_flipped_update_frames_are_refused_and_leave_the_document_unchanged()
    {
        var grain = node.Grains.GetGrain<IDocumentGrain>(NewDocumentId("fuzz.txt"));
        await grain.SetTextAsync("stable content\n");
        var source = new Doc();
        Y.ApplyUpdate(source, (await grain.GetSnapshotAsync()).State);
        byte[]? update = null;
        source.Update += (u, _, _) => update = u;
        source.Transact(_ =>
        {
            var text = source.GetText(CollabDocument.ContentName);
            text.Insert(7, "and growing ");
            text.Delete(0, 2);
        });
        var frame = WebsocketMessages.UpdateFrame(update!);

        var refused = 0;
        var random = new Random(42);
        var broken = new List<byte[]>();
        for (var length = 1; length < frame.Length; length++)
            broken.Add(frame[..length]);
        for (var i = 0; i < 300; i++)
        {
            var flipped = (byte[])frame.Clone();
            var at = random.Next(2, flipped.Length);
            flipped[at] ^= (byte)(1 << random.Next(8));
            broken.Add(flipped);
        }
        broken.Add([0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f]);
        broken.Add([0, 9]);
        broken.Add([7]);

        foreach (var bad in broken)
        {
            var before = (await grain.GetSnapshotAsync()).State;
            var result = await grain.ReceiveFrameAsync("fuzzer", bad, canWrite: true);
            if (result.ErrorCode is null)
            {
                // A flip inside inserted characters or a client clock can still be a well-formed update.
                continue;
            }
            refused++;
            // Undecodable, or decodable but referring to content the document does not have.
            Assert.Contains(result.ErrorCode, new[] { "doc.malformed_frame", "doc.unknown_content" });
            Assert.Equal(before, (await grain.GetSnapshotAsync()).State);
        }
        Assert.True(refused >= frame.Length - 1, $"only {refused} of {broken.Count} damaged frames were refused");

        // Still a working document: a valid update is accepted. (Bit flips that still decode, e.g. in a clock
        // or an origin, are accepted as Yjs has no integrity check, so the text itself is not compared here.)
        var ok = await grain.ReceiveFrameAsync("writer", WebsocketMessages.UpdateFrame(Y.EncodeStateAsUpdate(source)), canWrite: true);
        Assert.Null(ok.ErrorCode);
        await grain.GetTextAsync();
    }

    [Fact]
    public async Task Compaction_and_reactivation_preserve_the_text()
    {
        var documentId = NewDocumentId("compact.txt");
        var grain = node.Grains.GetGrain<IDocumentGrain>(documentId);
        var peers = Enumerable.Range(0, 4).Select(i => new Peer($"c{i}", grain)).ToList();
        var updates = DocumentGrain.CompactAfterUpdates + 60;
        await Task.WhenAll(peers.Select(peer => Task.Run(async () =>
        {
            for (var i = 0; i < updates / peers.Count; i++)
                await peer.EditAsync();
        })));
        var before = (await grain.GetTextAsync()).Text;

        // Passing the threshold folded the log into a snapshot while the grain was active.
        var (snapshots, remaining) = await LogRowsAsync(documentId);
        Assert.Equal(1, snapshots);
        Assert.True(remaining < updates, $"{remaining} of {updates} updates still in the log");

        // Deactivate (which compacts the rest) and load again from the snapshot alone.
        var management = node.Grains.GetGrain<IManagementGrain>(0);
        var until = DateTime.UtcNow + Deadline;
        do
        {
            await management.ForceActivationCollection(TimeSpan.FromMilliseconds(1));
            await Task.Delay(50);
            (_, remaining) = await LogRowsAsync(documentId);
            Assert.True(DateTime.UtcNow < until, $"never deactivated; {remaining} updates still in the log");
        }
        while (remaining > 0);

        Assert.Equal(before, (await grain.GetTextAsync()).Text);
        var fresh = new Peer("after", grain);
        await fresh.SyncAsync();
        Assert.Equal(before, fresh.Text);
    }

    /// <summary>What the node's document log holds for the document (the log's file is the node's alone).</summary>
    async Task<(long Snapshots, long Updates)> LogRowsAsync(string documentId)
    {
        var stored = await node.Services.GetRequiredService<IDocumentLog>().LoadAsync(documentId);
        return (stored.Snapshot is null ? 0 : 1, stored.Updates.Count);
    }
}
