"""Using a trained model elsewhere: the main job saves it, load_model brings it back unchanged,
predict_digit reads a learner's image file, and `python -m mnist_helpers predict` prints digits."""

import keras
import numpy as np
import pytest
from PIL import Image

from mnist_helpers import (
    DigitPrediction,
    MnistDataError,
    load_model,
    load_uci_digits,
    normalize_images,
    predict_digit,
    prepare_digit,
    save_model,
)
from mnist_helpers.__main__ import main
from mnist_helpers.predict import check_digit_model


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The main job's report folder after one epoch on the sample."""
    output = tmp_path_factory.mktemp("report")
    main(["--source", "sample", "--epochs", "1", "--output", str(output), "--no-progress"])
    return output


@pytest.fixture(scope="module")
def model(report):
    return load_model(report / "model.keras")


@pytest.fixture(scope="module")
def digit_files(tmp_path_factory, sample):
    """Ten test digits as a learner might save them: large, dark on light, PNG and JPEG."""
    folder = tmp_path_factory.mktemp("digits")
    paths = []
    for index in range(10):
        large = np.kron(255 - sample["x_test"][index], np.ones((8, 8), dtype=np.uint8))
        path = folder / f"digit_{index}.{'png' if index % 2 else 'jpg'}"
        Image.fromarray(large).convert("RGB").save(path)
        paths.append(path)
    return paths


def test_the_main_job_saves_a_model_that_reads_the_test_digits(report, model, normalized):
    files = sorted(path.name for path in report.iterdir())
    assert files == ["confusion_matrix.png", "metrics.json", "model.keras", "training_curves.png"]
    accuracy = np.mean(
        np.argmax(model.predict(normalized["x_test"], verbose=0), axis=1) == normalized["y_test"]
    )
    assert accuracy >= 0.85  # One epoch on 4,000 digits: a trained model, not a fresh one.


def test_save_then_load_gives_identical_predictions(model, normalized, tmp_path):
    path = save_model(model, tmp_path / "nested" / "copy.keras")
    assert path.is_file()
    loaded = load_model(path)
    np.testing.assert_array_equal(
        loaded.predict(normalized["x_test"], verbose=0),
        model.predict(normalized["x_test"], verbose=0),
    )


def test_a_model_file_must_end_in_keras(model, tmp_path):
    with pytest.raises(MnistDataError, match=r"must end in \.keras"):
        save_model(model, tmp_path / "model.h5")
    with pytest.raises(MnistDataError, match=r"must end in \.keras"):
        load_model(tmp_path / "model")


def test_a_missing_model_says_how_to_get_one(tmp_path):
    with pytest.raises(MnistDataError, match="python -m mnist_helpers"):
        load_model(tmp_path / "missing.keras")


def test_predict_digit_reads_a_learners_image_files(model, digit_files, sample):
    predictions = [predict_digit(path, model) for path in digit_files]
    for prediction in predictions:
        assert isinstance(prediction, DigitPrediction)
        assert prediction.probabilities.shape == (10,)
        assert np.isclose(prediction.probabilities.sum(), 1, atol=1e-5)
        assert prediction.digit == np.argmax(prediction.probabilities)
        assert prediction.image.shape == (28, 28) and prediction.image.dtype == np.uint8
    digits = np.array([prediction.digit for prediction in predictions])
    assert np.sum(digits == sample["y_test"][:10]) >= 8


def test_predict_digit_gives_what_the_model_gives_on_the_prepared_image(model, digit_files):
    prediction = predict_digit(digit_files[0], model)
    logits = model.predict(normalize_images(prediction.image[None]), verbose=0)
    expected = keras.ops.convert_to_numpy(keras.activations.softmax(logits))[0]
    np.testing.assert_allclose(prediction.probabilities, expected, atol=1e-6)


def test_predict_digit_takes_a_model_path_too(report, model, digit_files):
    from_path = predict_digit(digit_files[1], report / "model.keras")
    from_model = predict_digit(digit_files[1], model)
    np.testing.assert_allclose(from_path.probabilities, from_model.probabilities, atol=1e-6)


def test_predict_digit_shapes_the_input_for_a_convnet(digit_files):
    # A convnet takes (28, 28, 1): the same prepared pixels, shaped as its input asks.
    convnet = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3), keras.layers.Flatten()]
        + [keras.layers.Dense(10)]
    )
    prediction = predict_digit(digit_files[2], convnet)
    pixels = normalize_images(prediction.image[None], flatten=False)[..., None]
    logits = convnet.predict(pixels, verbose=0)
    assert prediction.digit == np.argmax(logits)


def test_the_uci_digits_are_1797_real_8_by_8_digits():
    images, labels = load_uci_digits()
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8
    assert images.max() == 16 and images.min() == 0
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert prepare_digit(images[0]).shape == (28, 28)


def test_predict_command_prints_each_files_digit(report, digit_files, sample, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", *map(str, digit_files[:3]), "--model", str(report / "model.keras")])
    assert exit_info.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    for line, path in zip(lines, digit_files[:3], strict=True):
        expected = predict_digit(path, report / "model.keras")
        probability = expected.probabilities[expected.digit]
        assert line == f"{path}: {expected.digit} ({probability:.1%})"


def test_predict_command_reports_a_bad_file_and_goes_on(report, digit_files, tmp_path, capsys):
    blank = tmp_path / "blank.png"
    Image.new("L", (50, 50), 255).save(blank)
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", str(blank), str(digit_files[0]), "--model", str(report / "model.keras")])
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{digit_files[0]}: ")
    assert f"{blank}: " in captured.err and "no ink" in captured.err
    assert "Traceback" not in captured.err


def test_predict_command_without_a_model_is_a_usage_error(digit_files, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", str(digit_files[0]), "--model", str(tmp_path / "none.keras")])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "No saved model" in error and "Traceback" not in error


def test_predict_help_says_how_to_call_it(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", "--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    assert help_text.startswith("usage: python -m mnist_helpers predict")
    assert "--model" in help_text and "reports/latest/model.keras" in help_text


# Model files that are not what they say.


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.keras", b"not a model at all"),
        ("empty.keras", b""),
        ("zip_without_model.keras", None),
    ],
)
def test_a_file_that_is_not_a_model_is_named_as_such(tmp_path, name, content):
    path = tmp_path / name
    if content is None:
        import zipfile

        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "hello")
    else:
        path.write_bytes(content)
    with pytest.raises(MnistDataError, match=f"{name} is not a Keras model file"):
        load_model(path)


def test_a_truncated_model_is_not_a_model(report, tmp_path):
    data = (report / "model.keras").read_bytes()
    cut = tmp_path / "cut.keras"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(MnistDataError, match="cut.keras is not a Keras model file"):
        load_model(cut)


def test_a_model_safe_mode_refuses_is_a_clear_error(tmp_path):
    model = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Lambda(lambda x: x * 2),
            keras.layers.Dense(10),
        ]
    )
    path = save_model(model, tmp_path / "lambda.keras")
    with pytest.raises(MnistDataError, match="safe mode refused .*lambda.keras"):
        load_model(path)


@pytest.mark.parametrize(
    ("inputs", "outputs"), [((32,), 10), ((28, 28, 3), 10), ((784,), 5), ((14, 14), 10)]
)
def test_a_model_of_the_wrong_shape_is_refused_before_any_image(
    tmp_path, digit_files, capsys, inputs, outputs
):
    layers = [keras.Input(inputs), keras.layers.Flatten(), keras.layers.Dense(outputs)]
    path = save_model(keras.Sequential(layers), tmp_path / "other.keras")
    with pytest.raises(MnistDataError, match="a digit model takes 784 pixels"):
        check_digit_model(load_model(path))
    with pytest.raises(MnistDataError, match="a digit model takes 784 pixels"):
        predict_digit(digit_files[0], path)
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", str(digit_files[0]), "--model", str(path)])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert f"other.keras takes inputs of shape (None, {', '.join(map(str, inputs))}" in error
    assert "Traceback" not in error


def test_predict_command_reads_every_file_after_a_broken_one(report, digit_files, tmp_path, capsys):
    cut = tmp_path / "cut.png"
    cut.write_bytes(digit_files[1].read_bytes()[:300])
    bomb = tmp_path / "bomb.png"
    Image.new("1", (20_000, 20_000)).save(bomb)
    files = [cut, digit_files[1], bomb, tmp_path / "missing.png", digit_files[3]]
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", *map(str, files), "--model", str(report / "model.keras")])
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert [line.split(": ")[0] for line in captured.out.splitlines()] == [
        str(digit_files[1]),
        str(digit_files[3]),
    ]
    for broken in (cut, bomb, tmp_path / "missing.png"):
        assert f"{broken}: " in captured.err
    assert "Traceback" not in captured.err
