using Vibe.Grains.Identity;
using Vibe.Web.Preview;

namespace Vibe.Web.Tests.Preview;

/// <summary>The plain classes of the preview origin: page messages, tokens, settings.</summary>
public sealed class PreviewUnitTests
{
    [Fact]
    public void Runtime_error_is_read_with_its_place_and_long_fields_are_cut()
    {
        var stack = new string('s', PageMessages.MaxStackChars + 50);
        var json = $$"""{"type":"runtime-error","message":"TypeError: x is undefined","file":"/src/App.tsx","line":7,"column":12,"stack":"{{stack}}","extra":true}""";

        Assert.Equal(PageMessages.Kind.RuntimeError, PageMessages.Read(System.Text.Encoding.UTF8.GetBytes(json), out var error, out var problem));
        Assert.Null(problem);
        Assert.Equal(("TypeError: x is undefined", "/src/App.tsx", 7, 12), (error!.Message, error.File, error.Line, error.Column));
        Assert.Equal(PageMessages.MaxStackChars + 1, error.Frame!.Length);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("\"a string\"")]
    [InlineData("{\"message\":\"no type\"}")]
    [InlineData("{\"type\":7}")]
    [InlineData("{\"type\":\"runtime-error\"}")]
    [InlineData("{\"type\":\"runtime-error\",\"message\":\"   \"}")]
    [InlineData("{\"type\":\"runtime-error\",\"message\":{\"nested\":1}}")]
    [InlineData("{\"type\":\"runtime-error\",\"message\":\"m\",\"file\":5}")]
    [InlineData("{\"type\":\"runtime-error\",\"message\":\"m\",\"line\":1.5}")]
    [InlineData("{\"type\":\"runtime-error\",\"message\":\"m\",\"column\":-1}")]
    [InlineData("{\"type\":\"runtime-error\",\"message\":\"m\",\"line\":99999999999}")]
    [InlineData("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]")]
    public void Malformed_page_messages_are_refused_with_a_reason(string text)
    {
        Assert.Equal(PageMessages.Kind.Malformed, PageMessages.Read(System.Text.Encoding.UTF8.GetBytes(text), out var error, out var problem));
        Assert.Null(error);
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Fact]
    public void Oversized_and_invalid_utf8_messages_are_refused()
    {
        var big = System.Text.Encoding.UTF8.GetBytes("{\"type\":\"runtime-error\",\"message\":\"" + new string('x', PageMessages.MaxMessageBytes) + "\"}");
        Assert.Equal(PageMessages.Kind.Malformed, PageMessages.Read(big, out _, out _));
        byte[] invalid = [.. "{\"type\":\"runtime-error\",\"message\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        Assert.Equal(PageMessages.Kind.Malformed, PageMessages.Read(invalid, out _, out _));
    }

    [Fact]
    public void Other_message_types_are_ignored_not_errors() =>
        Assert.Equal(PageMessages.Kind.Ignored, PageMessages.Read("{\"type\":\"ping\"}"u8, out _, out _));

    [Fact]
    public void Token_names_its_project_and_user_and_nothing_else()
    {
        var key = SessionTokens.GenerateKey();
        var tokens = new PreviewTokens(key);
        var user = NostrEventSigner.Generate().PublicKeyHex;
        var token = tokens.Issue("todo-app-k3x9q2", user, TimeSpan.FromMinutes(5)).Token;

        Assert.True(tokens.TryValidate(token, "todo-app-k3x9q2", out var pubkey));
        Assert.Equal(user, pubkey);
        Assert.False(tokens.TryValidate(token, "todo-app", out _));
        Assert.False(tokens.TryValidate(token, "todo-app-k3x9q2x", out _));
        // Same key, different purpose: neither kind of token passes for the other.
        Assert.False(new SessionTokens(key).TryValidate(token, out _));
        Assert.False(tokens.TryValidate(new SessionTokens(key).Issue(user, TimeSpan.FromMinutes(5)).Token, "todo-app-k3x9q2", out _));
        Assert.False(tokens.TryValidate(token + "A", "todo-app-k3x9q2", out _));
        Assert.False(tokens.TryValidate("+" + token[1..], "todo-app-k3x9q2", out _));
        Assert.False(tokens.TryValidate(new string('A', 10_000), "todo-app-k3x9q2", out _));
        Assert.False(tokens.TryValidate(null, "todo-app-k3x9q2", out _));
    }

    [Theory]
    [InlineData("http://localhost:5081", "http://localhost:5080", null)]
    [InlineData("http://127.0.0.1:0", "http://127.0.0.1:5080", "explicit, non-zero port")]
    [InlineData("http://localhost", "http://localhost:5080", "explicit, non-zero port")]
    [InlineData("http://localhost:5081/preview", "http://localhost:5080", "origin only")]
    [InlineData("ftp://localhost:5081", "http://localhost:5080", "http(s) URL")]
    [InlineData("not a url", "http://localhost:5080", "http(s) URL")]
    [InlineData("http://localhost:5080", "http://0.0.0.0:5080", "port of its own")]
    [InlineData("http://localhost:5081", "http://*:5081", "port of its own")]
    public void Preview_url_setting_is_checked_at_start(string previewUrl, string ideUrl, string? problem)
    {
        var problems = new PreviewOriginOptions { PreviewUrl = previewUrl }.Problems([ideUrl]).ToList();
        if (problem is null)
            Assert.Empty(problems);
        else
            Assert.Contains(problems, p => p.Contains(problem) && p.StartsWith("Vibe:PreviewUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void Preview_listen_address_may_differ_from_the_public_url()
    {
        var options = new PreviewOriginOptions { PreviewUrl = "https://preview.example.org:443", PreviewListen = "http://0.0.0.0:5081" };
        Assert.Empty(options.Problems(["http://0.0.0.0:5080"]));
        Assert.Equal(5081, options.ListenPort);
        Assert.Equal("https://preview.example.org/", options.PublicUri.ToString());
    }
}
