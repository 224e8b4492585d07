using System.Text;
using Vibe.Grains.Namespaces;

namespace Vibe.Grains.Tests.Namespaces;

public sealed class TextDetectorTests
{
    [Theory]
    [InlineData("/workspace/src/App.tsx", "export default function App() {}\n")]
    [InlineData("/workspace/README", "ünïcødé 👍 text")]
    [InlineData("/workspace/empty.txt", "")]
    [InlineData("/workspace/bom.txt", "\uFEFFwith a byte order mark")]
    public void Valid_utf8_without_nul_is_text_and_round_trips_byte_for_byte(string path, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        Assert.True(TextDetector.TryDecode(path, bytes, out var text));
        Assert.Equal(content, text);
        Assert.Equal(bytes, TextDetector.Encode(text));
    }

    [Fact]
    public void Png_bytes_are_binary()
    {
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D];
        Assert.False(TextDetector.TryDecode("/workspace/logo.png", png, out _));
        Assert.False(TextDetector.TryDecode("/workspace/logo", png, out _));
    }

    [Theory]
    [InlineData("/workspace/a.png")]
    [InlineData("/workspace/a.PNG")]
    [InlineData("/workspace/font.woff2")]
    [InlineData("/workspace/app.wasm")]
    public void Known_binary_extensions_are_binary_even_when_the_bytes_are_text(string path) =>
        Assert.False(TextDetector.TryDecode(path, Encoding.UTF8.GetBytes("plain"), out _));

    [Theory]
    [InlineData(new byte[] { (byte)'a', 0, (byte)'b' })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xFF, 0xFE, (byte)'a', 0 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    public void Nul_or_invalid_utf8_is_binary(byte[] bytes) =>
        Assert.False(TextDetector.TryDecode("/workspace/a.txt", bytes, out _));
}
