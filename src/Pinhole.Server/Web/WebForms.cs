using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.Web.Pages;

namespace Pinhole.Server.Web;

/// <summary>
/// What the pages' forms share: the anti-forgery check, the form read the way the API reads its bodies, and the
/// answers — a redirect back (303) when it worked, a page saying what went wrong when it did not.
/// </summary>
public static class WebForms
{
    /// <summary>The form's fields once its anti-forgery token checks out; a stale or missing token is a 400 page.</summary>
    public static async Task<RequestParams> ReadAsync(HttpContext http, CancellationToken cancellationToken)
    {
        try
        {
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            throw ApiException.BadRequest("This form has expired. Go back, reload the page and try again.");
        }
        // The check read the form already. A multipart body's form is kept with its files; a url-encoded body, which
        // the API reads straight from the stream, is gone by now, so its fields come from what the check read.
        var request = http.Request;
        if (!request.HasFormContentType || request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true)
            return await RequestParams.ReadAsync(request, cancellationToken);
        var form = await request.ReadFormAsync(cancellationToken);
        return RequestParams.FromFields(form.SelectMany(field => field.Value.Select(value => KeyValuePair.Create(field.Key, value ?? ""))), request.QueryString);
    }

    /// <summary>Back to where the form was (its <c>return</c> field), or to <paramref name="fallback"/>.</summary>
    public static IResult Back(RequestParams form, string fallback) =>
        TypedResults.LocalRedirect(string.IsNullOrEmpty(form.Text("return")) ? fallback : WebRoutes.LocalOnly(form.Text("return")));

    /// <summary>
    /// What a button-like form does: check the form, make sure someone is signed in (else off to sign in), act as
    /// them, and go back to where the form was (or <paramref name="fallback"/>).
    /// </summary>
    public static async Task<IResult> ActAsync(HttpContext http, WebContext web, string fallback, Func<long, Task> act, CancellationToken cancellationToken)
    {
        var form = await ReadAsync(http, cancellationToken);
        if (!web.SignedIn)
            return SignInFirst(http);
        await act(web.ViewerId);
        return Back(form, fallback);
    }

    public static IResult SignInFirst(HttpContext http) =>
        TypedResults.Redirect("/auth/sign_in?return_url=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));

    /// <summary>A page with a title and one message, with the status it explains.</summary>
    public static IResult Message(int status, string title, string message) =>
        new RazorComponentResult<MessagePage>(new { Title = title, Message = message }) { StatusCode = status };

    /// <summary>
    /// Refusals raised below a page (a post that is not there for this viewer, a form that fails validation) become
    /// a page saying so, with their status, instead of the API's JSON.
    /// </summary>
    public static async ValueTask<object?> ShowRefusals(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ApiException refusal)
        {
            return refusal.StatusCode switch
            {
                StatusCodes.Status404NotFound => Message(404, "Not found", "This page does not exist, or it is not shown to you."),
                StatusCodes.Status403Forbidden => Message(403, "Not allowed", refusal.Body.Error),
                _ => Message(refusal.StatusCode, "That did not work", refusal.Body.Error),
            };
        }
    }
}
