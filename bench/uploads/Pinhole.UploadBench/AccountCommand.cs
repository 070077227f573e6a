namespace Pinhole.UploadBench;

/// <summary>Signs up the account the uploads are made as, and keeps its token in a file only its owner may read.</summary>
internal static class AccountCommand
{
    public const string Usage =
        """
        account --url URL --username NAME --token-file PATH
            Registers NAME on the server and writes its access token to PATH.
        """;

    public static async Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken)
    {
        var url = new Uri(line.RequiredText("url"));
        var username = line.RequiredText("username");
        var tokenFile = line.RequiredText("token-file");
        line.RejectUnknown();
        using var http = new HttpClient();
        var token = await PinholeApi.CreateAccountAsync(http, url, username, cancellationToken);
        await File.WriteAllTextAsync(tokenFile, token, cancellationToken);
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return 0;
    }
}
