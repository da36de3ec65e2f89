"""An extraction model trained once per session on the project's case files (about ten seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from collabkg.loaders.extraction.model import ExtractionModel, save, train
from collabkg.loaders.extraction.training_data import TrainingData, read_training_data
from collabkg.settings import load_settings


@pytest.fixture(scope="session")
def training_data() -> TrainingData:
    settings = load_settings()
    return read_training_data(settings.cases, settings.corpus)


@pytest.fixture(scope="session")
def extraction_model(training_data: TrainingData) -> ExtractionModel:
    return train(training_data)


@pytest.fixture(scope="session")
def model_folder(extraction_model: ExtractionModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("model")
    save(extraction_model, folder)
    return folder
