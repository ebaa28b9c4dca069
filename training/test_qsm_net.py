"""Network layout per models/FORMAT.md."""
import torch

from qsm_net import build, decoder_param_names


def test_output_shape_and_channel_widths():
    m = build("unet", 4)
    y = m(torch.randn(2, 1, 16, 32, 48))
    assert y.shape == (2, 1, 16, 32, 48)
    assert m.enc4.conv2.weight.shape == (64, 64, 3, 3, 3)
    assert m.up0.weight.shape == (8, 4, 2, 2, 2) and m.dec0.conv1.weight.shape == (4, 8, 3, 3, 3)


def test_fmn_shapes_and_widths():
    m = build("adaptive-unet", 16)
    assert [m.fmn.fc1.in_features, m.fmn.fc1.out_features, m.fmn.fc2.out_features, m.fmn.fc3.out_features,
            m.fmn.fc4.out_features] == [6, 32, 64, 128, 448]
    k, b = m.fmn(torch.rand(3, 6))
    assert k.shape == (3, 16, 1, 3, 3, 3) and b.shape == (3, 16)
    assert not hasattr(m.enc0, "conv1")


def test_different_side_info_gives_different_first_layer_kernels():
    torch.manual_seed(0)
    m = build("adaptive-unet", 4)
    s = torch.tensor([[1.0, 1.0, 1.0, 0.0, 0.0, 1.0], [0.7, 0.7, 2.0, 0.42, 0.0, 0.9]])
    k, b = m.fmn(s)
    assert (k[0] - k[1]).abs().max() > 1e-3 and (b[0] - b[1]).abs().max() > 1e-4


def test_adaptive_batch_uses_each_samples_own_kernel():
    torch.manual_seed(1)
    m = build("adaptive-unet", 4).eval()
    x = torch.randn(2, 1, 16, 16, 16)
    s = torch.tensor([[1.0, 1.0, 1.0, 0.0, 0.0, 1.0], [0.7, 0.7, 2.0, 0.42, 0.0, 0.9]])
    with torch.no_grad():
        both = m(x, s)
        one = torch.cat([m(x[i : i + 1], s[i : i + 1]) for i in range(2)])
        swapped = m(x, s.flip(0))
    assert torch.allclose(both, one, atol=1e-5)
    assert (swapped - both).abs().max() > 1e-4


def test_decoder_group_is_up_dec_out():
    names = decoder_param_names(build("unet", 4))
    assert "out.weight" in names and "up3.bias" in names and "dec0.conv2.weight" in names
    assert not any(n.startswith(("enc", "fmn")) for n in names)
