namespace Pinhole.Server.MastodonApi;

/// <summary>Mastodon's error body: <c>{"error": "..."}</c>, with <c>error_description</c> on OAuth errors.</summary>
public sealed record ErrorBody(string Error, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? ErrorDescription = null);

/// <summary>
/// A request the API refuses, with the HTTP status and the message a client shows. Thrown from anywhere below
/// a handler (validation deep in a service included) and turned into Mastodon's error body by <see cref="ApiErrorMiddleware"/>.
/// </summary>
public sealed class ApiException(int statusCode, string error, string? description = null) : Exception(error)
{
    public int StatusCode { get; } = statusCode;

    public ErrorBody Body { get; } = new(error, description);

    public static ApiException NotFound() => new(StatusCodes.Status404NotFound, "Record not found");

    public static ApiException Unprocessable(string message) => new(StatusCodes.Status422UnprocessableEntity, message);

    public static ApiException Forbidden(string message = "This action is not allowed") => new(StatusCodes.Status403Forbidden, message);

    public static ApiException Unauthorized() => new(StatusCodes.Status401Unauthorized, "The access token is invalid");

    public static ApiException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);
}
