using System.Security.Cryptography;
using System.Text;

namespace Pinhole.Server.Features.OAuth;

/// <summary>Random secrets (tokens, codes, client secrets) and the hashes they are stored as.</summary>
public static class Secrets
{
    /// <summary>32 random bytes as URL-safe base64: 256 bits, unguessable.</summary>
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool HashEquals(string secret, string expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(expectedHash));

    public static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
