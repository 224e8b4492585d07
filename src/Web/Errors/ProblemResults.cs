using Microsoft.AspNetCore.Diagnostics;
using Vibe.Contracts.Errors;

namespace Vibe.Web.Errors;

/// <summary>
/// Every error leaves as RFC 7807 problem details with a stable <c>code</c>; typed Vibe errors keep theirs,
/// malformed requests get <c>validation</c>, and nothing else leaks internals.
/// </summary>
public static class ProblemResults
{
    public static IResult From(string code, string detail) =>
        Results.Problem(detail: detail, statusCode: VibeErrorCodes.HttpStatus(code), title: Title(code),
            extensions: new Dictionary<string, object?> { ["code"] = code });

    public static IResult From(VibeException e) => From(e.Code, e.Message);

    public static Task WriteAsync(HttpContext http, string code, string detail)
    {
        http.Response.StatusCode = VibeErrorCodes.HttpStatus(code);
        return From(code, detail).ExecuteAsync(http);
    }

    /// <summary>Maps exceptions that escaped an endpoint to problem details.</summary>
    public static void UseVibeProblemDetails(this WebApplication app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = WriteExceptionAsync,
            // A caller's own mistake (a typed Vibe error, a malformed request) is answered, not logged as a server failure.
            SuppressDiagnosticsCallback = c => c.Exception is VibeException or BadHttpRequestException or System.Text.Json.JsonException,
        });

    static async Task WriteExceptionAsync(HttpContext http)
    {
        var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
        var (code, detail) = error switch
        {
            VibeException v => (v.Code, v.Message),
            BadHttpRequestException { StatusCode: 413 } => (VibeErrorCodes.FileTooLarge, "The request body is larger than the server accepts."),
            BadHttpRequestException b => (VibeErrorCodes.Validation, b.Message),
            System.Text.Json.JsonException j => (VibeErrorCodes.Validation, $"The JSON body is malformed: {j.Message}"),
            OperationCanceledException => ("cancelled", "The request was cancelled."),
            _ => ("internal", "An unexpected error occurred; it has been logged."),
        };
        var status = code switch { "internal" => 500, "cancelled" => 499, _ => VibeErrorCodes.HttpStatus(code) };
        http.Response.StatusCode = status;
        await Results.Problem(detail: detail, statusCode: status, title: Title(code),
            extensions: new Dictionary<string, object?> { ["code"] = code }).ExecuteAsync(http);
    }

    static string Title(string code) => code switch
    {
        VibeErrorCodes.FileTooLarge => "Too large",
        VibeErrorCodes.Forbidden => "Forbidden",
        _ when code.StartsWith("auth.", StringComparison.Ordinal) => "Unauthorized",
        _ when code.EndsWith("not_found", StringComparison.Ordinal) => "Not found",
        _ => "Bad request",
    };
}
