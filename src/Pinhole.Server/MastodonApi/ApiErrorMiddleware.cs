using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Pinhole.Server.MastodonApi;

/// <summary>
/// Every failure leaves as Mastodon's <c>{"error": "..."}</c> with the right status: refusals raised as
/// <see cref="ApiException"/>, request bodies that are too large or malformed, and (logged, never explained to
/// the caller) anything unexpected.
/// </summary>
public static class ApiErrorMiddleware
{
    public static IApplicationBuilder UseMastodonErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = StatusFor,
            ExceptionHandler = WriteExceptionAsync,
            // Refusals and bad input are the client's business, not the operator's: only the unexpected is logged.
            SuppressDiagnosticsCallback = context =>
                context.Exception is ApiException or BadHttpRequestException or JsonException or InvalidDataException ||
                (context.Exception is OperationCanceledException && context.HttpContext.RequestAborted.IsCancellationRequested),
        });
        // Responses that carry a status but no body (no route, wrong method, …) get one too: Mastodon's JSON for
        // API clients, a line of text for browsers.
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var status = http.Response.StatusCode;
            if (IsApi(http.Request.Path))
            {
                await WriteAsync(http, status, MessageFor(status));
                return;
            }
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(MessageFor(status), http.RequestAborted);
        });
        return app;
    }

    private static bool IsApi(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/oauth") || path.StartsWithSegments("/.well-known") || path.StartsWithSegments("/nodeinfo");

    public static Task WriteAsync(HttpContext context, int status, string error, string? description = null)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorBody(error, description), MastodonJson.Default.ErrorBody, contentType: null, context.RequestAborted);
    }

    private static int StatusFor(Exception exception) => exception switch
    {
        ApiException api => api.StatusCode,
        BadHttpRequestException bad => bad.StatusCode,
        JsonException => StatusCodes.Status422UnprocessableEntity,
        InvalidDataException => StatusCodes.Status422UnprocessableEntity,
        // Cancelled while the client still waits (a timeout inside): busy, try again.
        OperationCanceledException => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static Task WriteExceptionAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var status = exception is null ? StatusCodes.Status500InternalServerError : StatusFor(exception);
        return exception switch
        {
            ApiException api => WriteAsync(context, status, api.Body.Error, api.Body.ErrorDescription),
            BadHttpRequestException when status == StatusCodes.Status413PayloadTooLarge => WriteAsync(context, status, "Request body is too large"),
            BadHttpRequestException bad => WriteAsync(context, status, bad.Message),
            JsonException => WriteAsync(context, status, "The request body is not valid JSON"),
            InvalidDataException => WriteAsync(context, status, "The request body is not valid form data"),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => Task.CompletedTask,
            _ => WriteAsync(context, status, MessageFor(status)),
        };
    }

    private static string MessageFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "Bad request",
        StatusCodes.Status401Unauthorized => "The access token is invalid",
        StatusCodes.Status403Forbidden => "This action is outside the authorized scopes",
        StatusCodes.Status404NotFound => "Record not found",
        StatusCodes.Status405MethodNotAllowed => "Method not allowed",
        StatusCodes.Status413PayloadTooLarge => "Request body is too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
        StatusCodes.Status429TooManyRequests => "Too many requests",
        StatusCodes.Status503ServiceUnavailable => "The server is busy; try again shortly",
        _ when status >= 500 => "Internal server error",
        _ => "Request failed",
    };
}
