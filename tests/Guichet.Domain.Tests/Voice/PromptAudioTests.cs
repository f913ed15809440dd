using System.Buffers.Binary;
using Guichet.Domain.Voice;

namespace Guichet.Domain.Tests.Voice;

public sealed class PromptAudioTests
{
    [Theory]
    [InlineData((short)0, 0xD5, 0xFF)]
    [InlineData(short.MaxValue, 0xAA, 0x80)]
    [InlineData(short.MinValue, 0x2A, 0x00)]
    public void Silence_and_full_scale_have_their_g711_codes(short sample, int alaw, int mulaw)
    {
        Assert.Equal((byte)alaw, PromptAudio.ToALaw(sample));
        Assert.Equal((byte)mulaw, PromptAudio.ToMuLaw(sample));
    }

    [Fact]
    public void Every_sample_comes_back_within_its_quantisation_step_and_in_order()
    {
        short lastA = short.MinValue, lastU = short.MinValue;
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            var s = (short)x;
            var a = PromptAudio.FromALaw(PromptAudio.ToALaw(s));
            var u = PromptAudio.FromMuLaw(PromptAudio.ToMuLaw(s));
            // G.711 keeps about 4 bits of mantissa: the error stays under a sixteenth of the value, or one small step.
            var bound = Math.Max(16, Math.Abs(x) / 16.0 + 8);
            Assert.True(Math.Abs(a - x) <= bound, $"A-law {x} → {a}");
            if (Math.Abs(x) < 32600) Assert.True(Math.Abs(u - x) <= bound, $"µ-law {x} → {u}");   // µ-law clips just below full scale
            Assert.True(a >= lastA && u >= lastU, $"not monotonic at {x}");
            (lastA, lastU) = (a, u);
        }
    }

    [Fact]
    public void Every_code_decodes_to_a_value_that_encodes_back_to_it()
    {
        for (var c = 0; c < 256; c++)
        {
            Assert.Equal((byte)c, PromptAudio.ToALaw(PromptAudio.FromALaw((byte)c)));
            // µ-law has two codes for zero (0x7F and 0xFF): both decode to 0, which encodes as 0xFF.
            if (c != 0x7F) Assert.Equal((byte)c, PromptAudio.ToMuLaw(PromptAudio.FromMuLaw((byte)c)));
        }
    }

    private static byte[] Wav(int rate, int channels, int bits, short[] interleaved, int format = 1)
    {
        var data = new byte[interleaved.Length * 2];
        for (var i = 0; i < interleaved.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(i * 2), interleaved[i]);
        var file = new byte[44 + data.Length];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(36 + data.Length));
        "WAVEfmt "u8.CopyTo(file.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(20), (ushort)format);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(22), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(24), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(28), (uint)(rate * channels * bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(32), (ushort)(channels * bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(34), (ushort)bits);
        "data"u8.CopyTo(file.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(40), (uint)data.Length);
        data.CopyTo(file.AsSpan(44));
        return file;
    }

    [Fact]
    public void An_8_khz_mono_recording_is_kept_sample_for_sample_and_written_back_the_same()
    {
        var samples = Enumerable.Range(0, 800).Select(i => (short)(10000 * Math.Sin(i / 5.0))).ToArray();
        var read = Assert.IsType<PromptAudioResult.Accepted>(PromptAudio.Read(Wav(8000, 1, 16, samples)));
        Assert.Equal(samples, read.Samples);
        Assert.Equal(0.1, read.Seconds, 3);
        Assert.Equal(Wav(8000, 1, 16, samples), PromptAudio.Wav(read.Samples));
    }

    [Fact]
    public void A_48_khz_stereo_recording_becomes_8_khz_mono_keeping_a_tone_of_the_telephone_band()
    {
        // One second of 440 Hz on the left, silence on the right: mono is half the amplitude, at 8 kHz.
        var frames = 48000;
        var interleaved = new short[frames * 2];
        for (var i = 0; i < frames; i++) interleaved[2 * i] = (short)(20000 * Math.Sin(2 * Math.PI * 440 * i / 48000.0));
        var read = Assert.IsType<PromptAudioResult.Accepted>(PromptAudio.Read(Wav(48000, 2, 16, interleaved)));
        Assert.Equal(8000, read.Samples.Length);
        var peak = read.Samples.Max(s => Math.Abs((int)s));
        Assert.InRange(peak, 9500, 10000);   // 10,000 less the box filter's slight loss at 440 Hz
        // Still 440 Hz: 880 zero crossings in the second.
        var crossings = read.Samples.Zip(read.Samples.Skip(1)).Count(p => (p.First < 0) != (p.Second < 0));
        Assert.InRange(crossings, 878, 882);
    }

    [Theory]
    [InlineData("not a wav at all, just text", "n'est pas un enregistrement WAV")]
    [InlineData("", "n'est pas un enregistrement WAV")]
    public void What_is_not_a_wav_is_refused_with_a_message(string content, string message) =>
        Assert.Contains(message, Assert.IsType<PromptAudioResult.Refused>(PromptAudio.Read(System.Text.Encoding.UTF8.GetBytes(content))).Message);

    [Fact]
    public void Other_formats_and_lengths_are_refused_with_a_message_saying_what_to_do()
    {
        string Refusal(byte[] file) => Assert.IsType<PromptAudioResult.Refused>(PromptAudio.Read(file)).Message;
        Assert.Contains("PCM 16 bits", Refusal(Wav(8000, 1, 8, new short[100])));
        Assert.Contains("PCM 16 bits", Refusal(Wav(8000, 1, 16, new short[100], format: 3)));   // float
        Assert.Contains("mono ou en stéréo", Refusal(Wav(8000, 6, 16, new short[600])));
        Assert.Contains("8 000 et 48 000 Hz", Refusal(Wav(96000, 1, 16, new short[100])));
        Assert.Contains("vide", Refusal(Wav(8000, 1, 16, [])));
        Assert.Contains("2 minutes", Refusal(Wav(8000, 1, 16, new short[8000 * 121])));
        Assert.Contains("incomplet", Refusal(Wav(8000, 1, 16, new short[10])[..36]));
    }

    [Fact]
    public void Every_catalog_prompt_has_a_file_safe_id_and_words()
    {
        Assert.Equal(VoicePromptCatalog.All.Count, VoicePromptCatalog.All.Select(p => p.Id).Distinct().Count());
        Assert.All(VoicePromptCatalog.All, p =>
        {
            Assert.Matches("^[a-z0-9-]+$", p.Id);
            Assert.False(string.IsNullOrWhiteSpace(p.Text));
            Assert.False(string.IsNullOrWhiteSpace(p.Purpose));
        });
        Assert.Null(VoicePromptCatalog.Find("../etc/passwd"));
    }
}
