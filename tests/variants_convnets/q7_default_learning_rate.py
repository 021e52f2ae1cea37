"""Q7 one mistake: Adam's default learning rate instead of the argument."""
from td_convnets_reference import *  # noqa: F403


def unfreeze_for_fine_tuning(model, base_model, learning_rate=1e-5):
    """Q7: optimizer='adam'."""
    base_model.trainable = True
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
